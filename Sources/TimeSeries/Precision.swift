import Unrolled

// The precision this chapter trains in: the fast implementation's generic types, as this
// chapter uses them.
typealias Precision = Float
typealias Parameter = Unrolled.Parameter<Precision>
typealias Linear = Unrolled.Linear<Precision>
typealias RecurrentNetwork = Unrolled.RecurrentNetwork<Precision>
typealias Adam = Unrolled.Adam<Precision>
