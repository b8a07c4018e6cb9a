import Unrolled

// The precision this chapter trains in: the fast implementation's generic types, as this
// chapter uses them.
typealias Precision = Double
typealias Linear = Unrolled.Linear<Precision>
typealias ElmanLayer = Unrolled.ElmanLayer<Precision>
typealias GRULayer = Unrolled.GRULayer<Precision>
typealias LSTMLayer = Unrolled.LSTMLayer<Precision>
typealias RecurrentNetwork = Unrolled.RecurrentNetwork<Precision>
typealias SGD = Unrolled.SGD<Precision>
typealias Adam = Unrolled.Adam<Precision>
