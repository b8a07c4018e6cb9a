import Dispatch

/// Set by `parallelMap` when one job fails, so that long jobs can stop early.
public final class Cancellation: @unchecked Sendable {
    private let lock = DispatchSemaphore(value: 1)
    private var cancelled = false
    public init() {}

    public var isCancelled: Bool {
        lock.wait(); defer { lock.signal() }
        return cancelled
    }

    func cancel() {
        lock.wait(); cancelled = true; lock.signal()
    }

    /// Throws `CancelledError` once another job has failed.
    public func check() throws { if isCancelled { throw CancelledError() } }
}

/// Thrown by a job that stopped because another one failed.
public struct CancelledError: Error {}

/// Runs independent jobs on all cores and returns their results in job order.
///
/// Each job must own its state (its model and its `SeededRandom`), so the results do not depend
/// on how the jobs are scheduled. When a job throws, the others are told through their
/// `Cancellation` and the first real error, in job order, is rethrown.
public func parallelMap<T>(_ jobs: [(Cancellation) throws -> T]) throws -> [T] {
    let box = ResultBox<T>(count: jobs.count)
    let cancellation = Cancellation()
    // Each job owns its state (see above), so running them on several threads is safe although
    // the closures' type does not say so.
    nonisolated(unsafe) let jobs = jobs
    DispatchQueue.concurrentPerform(iterations: jobs.count) { i in
        let r = Result { try jobs[i](cancellation) }
        if case .failure = r { cancellation.cancel() }
        box.set(i, r)
    }
    let results = box.results.map { $0! }
    for r in results { if case .failure(let e) = r, !(e is CancelledError) { throw e } }
    return try results.map { try $0.get() }
}

private final class ResultBox<T>: @unchecked Sendable {
    private let lock = DispatchSemaphore(value: 1)
    var results: [Result<T, Error>?]
    init(count: Int) { results = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: Result<T, Error>) {
        lock.wait()
        results[i] = r
        lock.signal()
    }
}
