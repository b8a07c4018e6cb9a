import Unrolled

// The reference implementation computes in Double throughout: the shared types at that
// precision, under the names its code and the chapters' listings use.
public typealias Parameter = Unrolled.Parameter<Double>
public typealias SequenceInput = Unrolled.SequenceInput<Double>
public typealias SequenceTrace = Unrolled.SequenceTrace<Double>
public typealias SequenceGradient = Unrolled.SequenceGradient<Double>
public typealias RecurrentParameters = Unrolled.RecurrentParameters<Double>
