import Unrolled

// The precision the checks run the fast implementation in (finite differences need Double):
// its generic types, as the checks use them.
typealias Precision = Double
typealias Parameter = Unrolled.Parameter<Precision>
typealias Linear = Unrolled.Linear<Precision>
typealias Embedding = Unrolled.Embedding<Precision>
typealias ElmanLayer = Unrolled.ElmanLayer<Precision>
typealias RecurrentNetwork = Unrolled.RecurrentNetwork<Precision>
typealias TutorialCell = Unrolled.TutorialCell<Precision>
typealias SGD = Unrolled.SGD<Precision>
typealias Adam = Unrolled.Adam<Precision>
typealias Adagrad = Unrolled.Adagrad<Precision>
