import Unrolled

/// Predictions over a list of labelled names, as a confusion matrix.
func confusion(_ model: some NameModel, on examples: [LabelledName], classes: Int) -> ConfusionMatrix {
    var m = ConfusionMatrix(classes: classes)
    for e in examples {
        m.add(truth: e.label, prediction: argmax(model.logProbabilities(NamesData.indices(of: e.name))))
    }
    return m
}

/// The tutorial's evaluation: `samples` random (language, name) draws from the training lines,
/// drawn the way its training loop draws them.
func tutorialConfusion(_ model: some NameModel, namesByLanguage: [[[Int]]], samples: Int,
                       rng: inout SeededRandom) -> ConfusionMatrix {
    var m = ConfusionMatrix(classes: namesByLanguage.count)
    for _ in 0..<samples {
        let language = rng.int(below: namesByLanguage.count)
        let letters = namesByLanguage[language][rng.int(below: namesByLanguage[language].count)]
        m.add(truth: language, prediction: argmax(model.logProbabilities(letters)))
    }
    return m
}

/// Examples grouped by language, as letter indices.
func byLanguage(_ examples: [LabelledName], classes: Int) -> (letters: [[[Int]]], display: [[String]]) {
    var letters = [[[Int]]](repeating: [], count: classes), display = [[String]](repeating: [], count: classes)
    for e in examples {
        letters[e.label].append(NamesData.indices(of: e.name))
        display[e.label].append(e.name)
    }
    return (letters, display)
}
