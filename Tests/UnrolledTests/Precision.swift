import Unrolled

// The precision these tests run the fast implementation in (unless a test names another):
// its generic types at that precision.
typealias Precision = Double
typealias Parameter = Unrolled.Parameter<Precision>
typealias Linear = Unrolled.Linear<Precision>
typealias Embedding = Unrolled.Embedding<Precision>
typealias ElmanLayer = Unrolled.ElmanLayer<Precision>
typealias GRULayer = Unrolled.GRULayer<Precision>
typealias LSTMLayer = Unrolled.LSTMLayer<Precision>
typealias RecurrentNetwork = Unrolled.RecurrentNetwork<Precision>
typealias TutorialCell = Unrolled.TutorialCell<Precision>
typealias Adam = Unrolled.Adam<Precision>
typealias SequenceInput = Unrolled.SequenceInput<Precision>
