import Foundation
import Reference
import Unrolled

extension MinCharRNN {
    // snippet.min-char-rnn-reference
    /// The loss of one chunk and its gradients, as Karpathy's `lossFun` computes them: column
    /// vectors, one step at a time,
    ///
    ///     h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h),   y_t = W_hy h_t + b_y,   p_t = softmax(y_t),
    ///
    /// `L = Σ_t -log p_t[targets[t]]`. Shapes: `x_t` one-hot `[V, 1]`, `h_t [H, 1]`,
    /// `y_t, p_t [V, 1]`. Adds every gradient to its parameter's `grad` and returns the last
    /// hidden state, as the fast `lossAndGradients`, which is tested against this one.
    func referenceLossAndGradients(inputs: [Int], targets: [Int], hprev: [Double])
        -> (loss: Double, hLast: [Double]) {
        let (Wxh, Whh, Why) = (Matrix(wxh), Matrix(whh), Matrix(why))
        // columns [H, 1], [V, 1]
        let (bh, by) = (Matrix(self.bh).transposed, Matrix(self.by).transposed)
        var xs: [Matrix] = [], ps: [Matrix] = [], loss = 0.0
        // hs[t] is h_{t-1}: hs[0] = hprev
        var hs = [Matrix(rows: H, columns: 1, values: hprev)]
        // forward pass
        for t in inputs.indices {
            xs.append(Matrix.oneHot([inputs[t]], count: V).transposed)  // x_t: 1 of V
            hs.append(tanh(Wxh * xs[t] + Whh * hs[t] + bh))             // h_t
            let y = Why * hs[t + 1] + by                                // y_t: unnormalized log p
            let logp = Losses.logSoftmax(y.transposed).transposed       // log p_t
            ps.append(logp.map(exp))                                    // p_t
            loss += -logp[targets[t], 0]                                // cross-entropy
        }
        // backward pass, last step first
        var (dWxh, dWhh, dWhy) = (Matrix(rows: H, columns: V), Matrix(rows: H, columns: H),
                                  Matrix(rows: V, columns: H))
        var (dbh, dby, dhnext) = (Matrix(rows: H, columns: 1), Matrix(rows: V, columns: 1),
                                  Matrix(rows: H, columns: 1))
        for t in inputs.indices.reversed() {
            var dy = ps[t]
            // through softmax and -log p: p_t - onehot(target)
            dy[targets[t], 0] -= 1
            dWhy += dy * hs[t + 1].transposed               // through W_hy h_t, for W_hy
            dby += dy                                       // through + b_y
            // through W_hy h_t, for h_t; plus from h_{t+1}
            let dh = Why.transposed * dy + dhnext
            let dhraw = (1 - hs[t + 1] .* hs[t + 1]) .* dh  // through tanh: 1 - h_t²
            dWxh += dhraw * xs[t].transposed                // through W_xh x_t, for W_xh
            dWhh += dhraw * hs[t].transposed                // through W_hh h_{t-1}, for W_hh
            dbh += dhraw                                    // through + b_h
            dhnext = Whh.transposed * dhraw                 // through W_hh h_{t-1}, for h_{t-1}
        }
        for (p, g) in zip([wxh, whh, why, self.bh, self.by], [dWxh, dWhh, dWhy, dbh, dby]) {
            p.accumulate(g)
        }
        return (loss, hs[inputs.count].values)
    }
    // snippet.end
}
