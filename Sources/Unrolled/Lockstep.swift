/// Several small recurrent regressors of one shape, trained side by side: lane `k` of every
/// vector belongs to network `k`, so one vector instruction advances all of them.
///
/// Each network is a one-layer `RecurrentNetwork` with input size 1 and a `Linear(H, 1)` head on
/// its last state, trained full-batch on the mean squared error, as `WindowRegressor` trains it:
///
///     h_t = cell(x_t, h_{t-1}),   ŷ_n = W_y h_T + b_y,   L = (1/N) Σ_n (ŷ_n − y_n)²
///
/// A network of 2 to 8 units fills no vector on its own (its products are a few numbers long),
/// and its time goes to per-step overhead; here the networks themselves fill the vector, up to
/// `capacity` of them (8 in `Float`, 4 in `Double`). All networks read the same windows.
///
/// Shapes, per network (`g` gates: 1 Elman, 3 GRU, 4 LSTM): `x [N, T]` (N windows of T values,
/// batch first), `W_ih [gH, 1]`, `W_hh [gH, H]`, `b_ih, b_hh [gH]`, `W_y [1, H]`, `b_y [1]`.
/// Every array holds element `e` of network `k` at index `e · capacity + k`; lanes beyond
/// `count` hold a network of zeros, trained and ignored.
///
/// The arithmetic of each network is that of `RecurrentNetwork`, `Linear` and `MeanSquaredError`
/// with sums in another order, so a network trained here matches the same network trained alone
/// to rounding (`LockstepTests`); no lane reads another, so a network's numbers do not depend on
/// its neighbours.
public final class LockstepRegressors<S: Real> {
    typealias V = S.Vector

    public let cell: RecurrentCell
    public let hiddenSize: Int
    /// Networks trained (at most `capacity`).
    public let count: Int
    /// `[W_ih, W_hh, b_ih, b_hh, W_y, b_y]`, every network's in its lane.
    public let parameters: [Parameter<S>]

    /// Networks one vector holds.
    public static var capacity: Int { S.lanes }

    /// Gates per unit: 1 (Elman), 3 (GRU), 4 (LSTM).
    var gates: Int { Self.gates(cell) }

    /// Packs `networks[k]`, each network's `[W_ih, W_hh, b_ih, b_hh, W_y, b_y]` values (the order
    /// of `WindowRegressor.parameters`), into lane `k`.
    public init(cell: RecurrentCell, hiddenSize H: Int, networks: [[[S]]]) {
        precondition((1...S.lanes).contains(networks.count), "1 to \(S.lanes) networks, not \(networks.count)")
        self.cell = cell
        self.hiddenSize = H
        self.count = networks.count
        let g = Self.gates(cell), L = S.lanes
        let shapes = [[g * H, 1], [g * H, H], [g * H], [g * H], [1, H], [1]]
        let names = ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "fc.weight", "fc.bias"]
        parameters = zip(names, shapes).enumerated().map { i, ns in
            let size = ns.1.reduce(1, *)
            var value = [S](repeating: 0, count: size * L)
            for (k, network) in networks.enumerated() {
                precondition(network.count == 6 && network[i].count == size, "network \(k): \(ns.0) needs \(size) values")
                for e in 0..<size { value[e * L + k] = network[i][e] }
            }
            return Parameter(ns.0, shape: ns.1 + [L], value: value)
        }
    }

    static func gates(_ cell: RecurrentCell) -> Int {
        switch cell { case .rnnTanh, .rnnRelu: 1; case .gru: 3; case .lstm: 4 }
    }

    /// Network `k`'s parameter values, in the order they were packed.
    public func network(_ k: Int) -> [[S]] {
        parameters.map { p in stride(from: k, to: p.count, by: S.lanes).map { p.value[$0] } }
    }

    /// One full-batch epoch of every network on windows `x [N, T]` and targets `y [N]`: forward,
    /// mean squared error, backward, one step of `optimizer`. Returns each network's loss before
    /// the step.
    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public func epoch(_ x: [S], _ y: [S], windows N: Int, steps T: Int, optimizer: inout Adam<S>) -> [S] {
        precondition(x.count == N * T && y.count == N, "x [N, T] and y [N]")
        parameters.zeroGrad()
        let w = Weights(parameters)
        let trace = forward(x, windows: N, steps: T, w)
        let H = hiddenSize, last = trace.states + T * N * H
        // ŷ = W_y h_T + b_y, e = ŷ − y, L = (1/N) Σ e², ∂L/∂ŷ = 2e / N                    [N]
        let two = V(repeating: 2), size = V(repeating: S(N)), dh = allocate(N * H)
        var loss = V(), dWy = [V](repeating: V(), count: H), dby = V()
        for n in 0..<N {
            let h = last + n * H
            var p = w.bY
            for j in 0..<H { p += w.wY[j] * h[j] }
            let e = p - V(repeating: y[n])
            loss += e * e
            let d = two * e / size
            // through the head: dW_y += d h_T, db_y += d, dh_T = d W_y
            for j in 0..<H { dWy[j] += d * h[j]; dh[n * H + j] = d * w.wY[j] }
            dby += d
        }
        backward(trace, dLast: dh, x: x, windows: N, steps: T, w)
        add(dWy, to: parameters[4])
        add([dby], to: parameters[5])
        trace.free(); dh.deallocate(); w.free()
        recordProducts(windows: N, steps: T, backward: true)
        optimizer.step(parameters)
        let mean = loss / size
        return (0..<count).map { mean[$0] }
    }

    /// Every network's predictions `ŷ [N]` for windows `x [N, T]`.
    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public func predict(_ x: [S], windows N: Int, steps T: Int) -> [[S]] {
        let w = Weights(parameters)
        let trace = forward(x, windows: N, steps: T, w)
        let H = hiddenSize, last = trace.states + T * N * H
        var out = [[S]](repeating: [S](repeating: 0, count: N), count: count)
        for n in 0..<N {
            var p = w.bY
            for j in 0..<H { p += w.wY[j] * last[n * H + j] }
            for k in 0..<count { out[k][n] = p[k] }
        }
        trace.free(); w.free()
        recordProducts(windows: N, steps: T, backward: false)
        return out
    }

    /// Counts (`ProductCount`) the products each network trained alone computes, for the
    /// networks here: forward `x W_ihᵀ` `[TN, 1]·[1, gH]`, `T` of `h W_hhᵀ` `[N, H]·[H, gH]`
    /// and the head `[N, H]·[H, 1]`; backward the head's two, `T` of `dh_{t-1}`
    /// `[N, gH]·[gH, H]`, `dW_hh` `[gH, TN]·[TN, H]` and `dW_ih` `[gH, TN]·[TN, 1]`.
    func recordProducts(windows N: Int, steps T: Int, backward: Bool) {
        let H = hiddenSize, gH = gates * H
        var work = T * N * gH + T * N * gH * H + N * H
        if backward { work += 2 * N * H + T * N * H * gH + gH * H * T * N + gH * T * N }
        ProductCount.record(multiplyAdds: count * work, float: S.self == Float.self)
    }

    // MARK: the parameters as vectors

    /// The parameters' values as vectors, for one pass.
    struct Weights {
        let wIH, wHH, bIH, bHH, wY: UnsafeMutablePointer<V>
        let bY: V

        init(_ p: [Parameter<S>]) {
            func load(_ q: Parameter<S>) -> UnsafeMutablePointer<V> {
                let n = q.count / S.lanes, v = UnsafeMutablePointer<V>.allocate(capacity: n)
                q.value.withUnsafeBufferPointer { b in for e in 0..<n { v[e] = S.load(b.baseAddress! + e * S.lanes) } }
                return v
            }
            (wIH, wHH, bIH, bHH, wY) = (load(p[0]), load(p[1]), load(p[2]), load(p[3]), load(p[4]))
            bY = p[5].value.withUnsafeBufferPointer { S.load($0.baseAddress!) }
        }

        func free() { for v in [wIH, wHH, bIH, bHH, wY] { v.deallocate() } }
    }

    /// `grad += g`, vector by vector.
    func add(_ g: [V], to p: Parameter<S>) {
        p.grad.withUnsafeMutableBufferPointer { d in
            for e in 0..<g.count { S.store(S.load(d.baseAddress! + e * S.lanes) + g[e], d.baseAddress! + e * S.lanes) }
        }
    }

    func add(_ g: UnsafeMutablePointer<V>, count n: Int, to p: Parameter<S>) {
        add(Array(UnsafeBufferPointer(start: g, count: n)), to: p)
    }

    func allocate(_ n: Int) -> UnsafeMutablePointer<V> {
        let p = UnsafeMutablePointer<V>.allocate(capacity: n)
        p.initialize(repeating: V(), count: n)
        return p
    }

    /// `f` applied to `n` vectors in place, as one array of scalars.
    func apply(_ f: (UnsafeMutablePointer<S>, Int) -> Void, _ p: UnsafeMutablePointer<V>, _ n: Int) {
        p.withMemoryRebound(to: S.self, capacity: n * S.lanes) { f($0, n * S.lanes) }
    }

    // MARK: forward

    /// What the backward pass needs: the states `[T + 1, N, H]` (`h_0 = 0`), the LSTM's cells
    /// `[T + 1, N, H]`, and per step the cell's cache `[T, N, cH]`.
    struct Trace {
        let states, cells, cache: UnsafeMutablePointer<V>
        func free() { states.deallocate(); cells.deallocate(); cache.deallocate() }
    }

    /// Runs every network over the windows.
    func forward(_ x: [S], windows N: Int, steps T: Int, _ w: Weights) -> Trace {
        let H = hiddenSize, NH = N * H
        let cacheWidth: Int = switch cell { case .rnnTanh, .rnnRelu: 0; case .gru: 4 * H; case .lstm: 5 * H }
        let trace = Trace(states: allocate((T + 1) * NH), cells: allocate(cell == .lstm ? (T + 1) * NH : 0),
                          cache: allocate(T * N * cacheWidth))
        switch cell {
        case .rnnTanh, .rnnRelu: elmanForward(x, N, T, w, trace)
        case .gru: gruForward(x, N, T, w, trace)
        case .lstm: lstmForward(x, N, T, w, trace)
        }
        return trace
    }

    // snippet.lockstep-elman
    /// `h_t = act(b_ih + b_hh + x_t W_ih + Σ_k h_{t-1,k} W_hh[:, k])`, every network at once: each
    /// `V` holds one number of each network, and `+`, `*` act on all lanes.
    func elmanForward(_ x: [S], _ N: Int, _ T: Int, _ w: Weights, _ trace: Trace) {
        let H = hiddenSize, NH = N * H
        for t in 0..<T {
            // h_{t-1} and h_t, [N, H] vectors each
            let hPrev = trace.states + t * NH, h = trace.states + (t + 1) * NH
            for n in 0..<N {
                let xv = V(repeating: x[n * T + t])   // x_t of window n, the same in every lane
                for j in 0..<H {
                    // pre_j = b_ih,j + b_hh,j + x_t W_ih,j + Σ_k h_{t-1,k} W_hh,jk, by lanes
                    var pre = (w.bIH[j] + w.bHH[j]) + xv * w.wIH[j]
                    for k in 0..<H { pre += hPrev[n * H + k] * w.wHH[j * H + k] }
                    h[n * H + j] = pre
                }
            }
            // h_t = act(pre), all N·H vectors as one array
            switch cell {
            case .rnnRelu: for i in 0..<NH { h[i] = h[i].replacing(with: 0, where: h[i] .< 0) }
            default: apply({ S.tanh($0, count: $1) }, h, NH)
            }
        }
    }
    // snippet.end

    /// `gi = x_t W_ih + b_ih`, `gh = h_{t-1} W_hhᵀ + b_hh`, `[r | z] = σ(gi + gh)`,
    /// `n = tanh(gi_n + r ⊙ gh_n)`, `h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}`; the cache holds
    /// `[r | z | n | gh_n]` `[N, 4H]`.
    func gruForward(_ x: [S], _ N: Int, _ T: Int, _ w: Weights, _ trace: Trace) {
        let H = hiddenSize, NH = N * H
        let rz = allocate(N * 2 * H), nn = allocate(NH), ghn = allocate(NH)
        defer { rz.deallocate(); nn.deallocate(); ghn.deallocate() }
        for t in 0..<T {
            let hPrev = trace.states + t * NH, h = trace.states + (t + 1) * NH
            for n in 0..<N {
                let xv = V(repeating: x[n * T + t]), hp = hPrev + n * H
                for j in 0..<(3 * H) {
                    var gh = w.bHH[j]
                    for k in 0..<H { gh += hp[k] * w.wHH[j * H + k] }
                    let gi = w.bIH[j] + xv * w.wIH[j]
                    if j < 2 * H { rz[n * 2 * H + j] = gi + gh } else { nn[n * H + j - 2 * H] = gi; ghn[n * H + j - 2 * H] = gh }
                }
            }
            apply({ S.sigmoid($0, count: $1) }, rz, N * 2 * H)
            for n in 0..<N { for j in 0..<H { nn[n * H + j] += rz[n * 2 * H + j] * ghn[n * H + j] } }
            apply({ S.tanh($0, count: $1) }, nn, NH)
            let one = V(repeating: 1)
            for n in 0..<N {
                let c = trace.cache + (t * N + n) * 4 * H
                for j in 0..<H {
                    let r = rz[n * 2 * H + j], z = rz[n * 2 * H + H + j], nj = nn[n * H + j]
                    h[n * H + j] = (one - z) * nj + z * hPrev[n * H + j]
                    c[j] = r; c[H + j] = z; c[2 * H + j] = nj; c[3 * H + j] = ghn[n * H + j]
                }
            }
        }
    }

    /// `a = x_t W_ih + b_ih + b_hh + h_{t-1} W_hhᵀ` split `[i | f | g | o]`;
    /// `c_t = σ(f) ⊙ c_{t-1} + σ(i) ⊙ tanh(g)`, `h_t = σ(o) ⊙ tanh(c_t)`; the cache holds
    /// `[i | f | g | o | tanh c_t]` `[N, 5H]`.
    func lstmForward(_ x: [S], _ N: Int, _ T: Int, _ w: Weights, _ trace: Trace) {
        let H = hiddenSize, NH = N * H
        let ifo = allocate(N * 3 * H), g = allocate(NH), tc = allocate(NH)
        defer { ifo.deallocate(); g.deallocate(); tc.deallocate() }
        for t in 0..<T {
            let hPrev = trace.states + t * NH, h = trace.states + (t + 1) * NH
            let cPrev = trace.cells + t * NH, c = trace.cells + (t + 1) * NH
            for n in 0..<N {
                let xv = V(repeating: x[n * T + t]), hp = hPrev + n * H
                for j in 0..<(4 * H) {
                    var a = (w.bIH[j] + w.bHH[j]) + xv * w.wIH[j]
                    for k in 0..<H { a += hp[k] * w.wHH[j * H + k] }
                    // gate j / H: i, f, g, o; i f o go together for one call of σ
                    switch j / H {
                    case 2: g[n * H + j - 2 * H] = a
                    case 3: ifo[n * 3 * H + j - H] = a
                    default: ifo[n * 3 * H + j] = a
                    }
                }
            }
            apply({ S.sigmoid($0, count: $1) }, ifo, N * 3 * H)
            apply({ S.tanh($0, count: $1) }, g, NH)
            for n in 0..<N {
                for j in 0..<H {
                    let i = ifo[n * 3 * H + j], f = ifo[n * 3 * H + H + j]
                    c[n * H + j] = f * cPrev[n * H + j] + i * g[n * H + j]
                    tc[n * H + j] = c[n * H + j]
                }
            }
            apply({ S.tanh($0, count: $1) }, tc, NH)
            for n in 0..<N {
                let cache = trace.cache + (t * N + n) * 5 * H
                for j in 0..<H {
                    let o = ifo[n * 3 * H + 2 * H + j]
                    h[n * H + j] = o * tc[n * H + j]
                    cache[j] = ifo[n * 3 * H + j]; cache[H + j] = ifo[n * 3 * H + H + j]
                    cache[2 * H + j] = g[n * H + j]; cache[3 * H + j] = o; cache[4 * H + j] = tc[n * H + j]
                }
            }
        }
    }

    // MARK: backward

    /// Backpropagation through time from `dLast = ∂L/∂h_T [N, H]`: the element-wise part and
    /// `∂L/∂h_{t-1}` step by step, then every weight gradient in one pass over the steps in
    /// ascending order, as `RecurrentNetwork`'s products sum them.
    func backward(_ trace: Trace, dLast: UnsafeMutablePointer<V>, x: [S], windows N: Int, steps T: Int, _ w: Weights) {
        let H = hiddenSize, NH = N * H, gH = gates * H, one = V(repeating: 1)
        // ∂L/∂(x_t W_ih) and ∂L/∂(h_{t-1} W_hhᵀ) for every step; the same for Elman and LSTM
        let dGi = allocate(T * N * gH), dGh = cell == .gru ? allocate(T * N * gH) : dGi
        let dh = dLast, dhPrev = allocate(NH), dc = allocate(cell == .lstm ? NH : 0)
        defer { dGi.deallocate(); if cell == .gru { dGh.deallocate() }; dhPrev.deallocate(); dc.deallocate() }
        for t in stride(from: T - 1, through: 0, by: -1) {
            let hPrev = trace.states + t * NH, h = trace.states + (t + 1) * NH
            for n in 0..<N {
                let di = dGi + (t * N + n) * gH, dg = dGh + (t * N + n) * gH, d = dh + n * H, dp = dhPrev + n * H
                switch cell {
                case .rnnTanh:
                    // through tanh: dpre = dh (1 − h_t²)
                    for j in 0..<H { di[j] = d[j] * (one - h[n * H + j] * h[n * H + j]) }
                case .rnnRelu:
                    // through relu: dpre = dh [h_t > 0]
                    for j in 0..<H { di[j] = d[j].replacing(with: 0, where: h[n * H + j] .<= 0) }
                case .gru:
                    let c = trace.cache + (t * N + n) * 4 * H
                    for j in 0..<H {
                        let r = c[j], z = c[H + j], nj = c[2 * H + j], ghn = c[3 * H + j]
                        // through h_t = (1 − z) n + z h_{t-1}
                        let dn = d[j] * (one - z), dz = d[j] * (hPrev[n * H + j] - nj)
                        // through n = tanh(gi_n + r ⊙ gh_n), then the sigmoids of z and r
                        let dpn = dn * (one - nj * nj), dr = dpn * ghn
                        let dpz = dz * z * (one - z), dpr = dr * r * (one - r)
                        di[j] = dpr; di[H + j] = dpz; di[2 * H + j] = dpn
                        dg[j] = dpr; dg[H + j] = dpz; dg[2 * H + j] = dpn * r
                    }
                case .lstm:
                    let c = trace.cache + (t * N + n) * 5 * H, cPrev = trace.cells + t * NH + n * H
                    for j in 0..<H {
                        let i = c[j], f = c[H + j], g = c[2 * H + j], o = c[3 * H + j], tc = c[4 * H + j]
                        // through h_t = o ⊙ tanh(c_t), then c_t = f ⊙ c_{t-1} + i ⊙ g
                        let dO = d[j] * tc, dC = dc[n * H + j] + d[j] * o * (one - tc * tc)
                        dc[n * H + j] = dC * f
                        // through the sigmoids of i, f, o and the tanh of g
                        di[j] = dC * g * i * (one - i)
                        di[H + j] = dC * cPrev[j] * f * (one - f)
                        di[2 * H + j] = dC * i * (one - g * g)
                        di[3 * H + j] = dO * o * (one - o)
                    }
                }
                // through h_{t-1} W_hhᵀ, for h_{t-1}: dh_{t-1} = Σ_j dgh_j W_hh[j, :] (plus z dh in a GRU),
                // each sum over ascending j; four (or two, or one) of them side by side, so that
                // one sum's additions do not wait for one another
                func start(_ k: Int) -> V { cell == .gru ? d[k] * trace.cache[(t * N + n) * 4 * H + H + k] : V() }
                var k = 0
                while k + 4 <= H {
                    var s0 = start(k), s1 = start(k + 1), s2 = start(k + 2), s3 = start(k + 3)
                    for j in 0..<gH {
                        let g = dg[j], row = w.wHH + j * H + k
                        s0 += g * row[0]; s1 += g * row[1]; s2 += g * row[2]; s3 += g * row[3]
                    }
                    dp[k] = s0; dp[k + 1] = s1; dp[k + 2] = s2; dp[k + 3] = s3
                    k += 4
                }
                if k + 2 <= H {
                    var s0 = start(k), s1 = start(k + 1)
                    for j in 0..<gH { let g = dg[j], row = w.wHH + j * H + k; s0 += g * row[0]; s1 += g * row[1] }
                    dp[k] = s0; dp[k + 1] = s1
                    k += 2
                }
                if k < H {
                    var s0 = start(k)
                    for j in 0..<gH { s0 += dg[j] * w.wHH[j * H + k] }
                    dp[k] = s0
                }
            }
            dh.update(from: dhPrev, count: NH)
        }
        // the weights, all steps in ascending order: dW_hh += Σ dgh ⊗ h_{t-1}, dW_ih += Σ dgi x_t,
        // db_ih += Σ dgi, db_hh += Σ dgh
        // Each sum is kept in a register over all steps and windows (four weights of a row of
        // dW_hh at a time, or two, or one), rather than loaded and stored at every step.
        let dWih = allocate(gH), dWhh = allocate(gH * H), dbih = allocate(gH), dbhh = allocate(gH)
        defer { for p in [dWih, dWhh, dbih, dbhh] { p.deallocate() } }
        for j in 0..<gH {
            var k = 0
            while k + 4 <= H {
                var s0 = V(), s1 = V(), s2 = V(), s3 = V()
                for tn in 0..<(T * N) {
                    let g = dGh[tn * gH + j], hp = trace.states + tn * H + k   // h_{t-1} of step t, window n
                    s0 += g * hp[0]; s1 += g * hp[1]; s2 += g * hp[2]; s3 += g * hp[3]
                }
                dWhh[j * H + k] = s0; dWhh[j * H + k + 1] = s1; dWhh[j * H + k + 2] = s2; dWhh[j * H + k + 3] = s3
                k += 4
            }
            if k + 2 <= H {
                var s0 = V(), s1 = V()
                for tn in 0..<(T * N) {
                    let g = dGh[tn * gH + j], hp = trace.states + tn * H + k
                    s0 += g * hp[0]; s1 += g * hp[1]
                }
                dWhh[j * H + k] = s0; dWhh[j * H + k + 1] = s1
                k += 2
            }
            if k < H {
                var s0 = V()
                for tn in 0..<(T * N) { s0 += dGh[tn * gH + j] * trace.states[tn * H + k] }
                dWhh[j * H + k] = s0
            }
        }
        // dW_ih, db_ih and db_hh, two rows at a time (six sums side by side), then the last row
        var j = 0
        while j < gH {
            let pair = j + 1 < gH
            var wi0 = V(), bi0 = V(), bh0 = V(), wi1 = V(), bi1 = V(), bh1 = V()
            for t in 0..<T {
                for n in 0..<N {
                    let xv = V(repeating: x[n * T + t]), tn = (t * N + n) * gH + j
                    let di0 = dGi[tn]
                    wi0 += di0 * xv; bi0 += di0; bh0 += dGh[tn]
                    if pair { let di1 = dGi[tn + 1]; wi1 += di1 * xv; bi1 += di1; bh1 += dGh[tn + 1] }
                }
            }
            dWih[j] = wi0; dbih[j] = bi0; dbhh[j] = bh0
            if pair { dWih[j + 1] = wi1; dbih[j + 1] = bi1; dbhh[j + 1] = bh1 }
            j += 2
        }
        add(dWih, count: gH, to: parameters[0])
        add(dWhh, count: gH * H, to: parameters[1])
        add(dbih, count: gH, to: parameters[2])
        add(dbhh, count: gH, to: parameters[3])
    }
}
