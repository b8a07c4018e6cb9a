import Foundation
import Plot
import Unrolled

let command = ChapterCommand(
    name: "classifier", slug: "classifier",
    summary: "Chapter 1: classifying surnames by language with a character-level RNN.",
    options: [
        .init("--learning-rate", "lr", "SGD learning rate of the tutorial's recipe", default: "0.005"),
        .init("--seed", "n", "seed of every random choice", default: "1"),
    ])

command.main { options in
    let log = Log(quiet: options.quiet)
    let config = try ClassifierConfig(options)
    let data = try NamesData(dataDirectory: options.dataDirectory)
    log("Read \(data.languages.count) languages, \(data.lines.reduce(0) { $0 + $1.count }) names.")
    let outputs = try ClassifierChapter(config: config, data: data, log: log).run()
    try outputs.write(to: options.outputDirectory)
    log("Wrote \(outputs.files.count) files to \(options.outputDirectory.path).")
}
