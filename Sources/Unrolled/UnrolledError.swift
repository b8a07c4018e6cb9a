/// An error that stops a chapter run with a message saying what went wrong and what to do.
public struct UnrolledError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
