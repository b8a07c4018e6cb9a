import Unrolled

// The precision these tests run the fast implementation in (unless a test names another):
// its generic types at that precision.
typealias Precision = Double
typealias Linear = Unrolled.Linear<Precision>
typealias Adam = Unrolled.Adam<Precision>
