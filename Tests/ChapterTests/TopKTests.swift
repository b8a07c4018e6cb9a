import Testing
import Unrolled
@testable import WordModel

/// The samplers' one-pass top `k` against its definition: all ids sorted by logit, largest
/// first, ties to the smaller id, then the first `k`.
@Suite struct TopKTests {
    @Test(arguments: [1, 2, 5, 12])
    func largestIsTheSortedPrefix(k: Int) {
        var rng = SeededRandom(seed: UInt64(40 + k))
        for trial in 0..<50 {
            // few distinct values, so that ties are everywhere; sometimes fewer values than k
            let count = trial % 10 == 0 ? k - 1 + trial % 3 : 30 + trial
            let z = (0..<count).map { _ in Float(rng.int(below: 7)) - 3 }
            let sorted = z.indices.sorted { z[$0] != z[$1] ? z[$0] > z[$1] : $0 < $1 }
            #expect(WordModel.largest(k, of: z) == Array(sorted.prefix(k)), "k = \(k), z = \(z)")
        }
    }
}
