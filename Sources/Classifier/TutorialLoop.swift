import Foundation
import Unrolled

/// The tutorial's training loop: each iteration picks a random language, then a random name of
/// it, and takes one SGD step on that single name.
struct TutorialLoop {
    var iterations: Int
    var learningRate: Double
    var printEvery: Int
    var plotEvery: Int

    struct Result {
        /// Mean loss over each `plotEvery` iterations.
        var losses: [Double] = []
        /// The tutorial's progress lines without the elapsed time (which no output may hold).
        var progress: [String] = []
    }

    /// Trains `model` on `namesByLanguage` (letter indices per language).
    func run(_ model: some NameModel, namesByLanguage: [[[Int]]], display: [[String]], languages: [String],
             rng: inout SeededRandom, label: String, log: Log,
             cancellation: Cancellation = Cancellation()) throws -> Result {
        var result = Result()
        var sgd = SGD(learningRate: learningRate)
        var current = 0.0
        let clock = Stopwatch()
        let parameters = model.parameters
        // snippet.tutorial-loop
        for iteration in 1...iterations {
            let language = rng.int(below: languages.count)                 // a random language,
            let pick = rng.int(below: namesByLanguage[language].count)     // then a random name of it
            model.zeroGrad()
            let (loss, output) = model.train(namesByLanguage[language][pick], target: language)
            sgd.step(parameters)                                            // p ← p - lr · ∂L/∂p
            guard loss.isFinite else {
                throw UnrolledError(
                    "\(label): the loss became \(loss) at iteration \(iteration) "
                        + "with learning rate \(learningRate); the run diverged. "
                        + "Use a smaller --learning-rate "
                        + "(the tutorial's is \(ClassifierConfig().learningRate)).")
            }
            current += loss
            if iteration % printEvery == 0 {
                try cancellation.check()
                let guess = argmax(output)
                let mark = guess == language ? "✓" : "✗ (\(languages[language]))"
                let percent = iteration * 100 / iterations
                let name = display[language][pick]
                let line = "\(iteration) \(percent)% \(Format.fixed(loss, decimals: 4)) "
                    + "\(name) / \(languages[guess]) \(mark)"
                result.progress.append(line)
                let s = Int(clock.seconds)
                log("[\(label)] \(iteration) \(percent)% (\(s / 60)m \(s % 60)s) "
                    + "\(Format.fixed(loss, decimals: 4)) \(name) / \(languages[guess]) \(mark)")
            }
            if iteration % plotEvery == 0 {
                result.losses.append(current / Double(plotEvery))
                current = 0
            }
        }
        // snippet.end
        return result
    }
}
