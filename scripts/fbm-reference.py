#!/usr/bin/env python3
"""Reference values for the fBM mathematics in src/fbm/ (run once; the output is committed).

    python3 scripts/fbm-reference.py > test/fixtures/fbm/reference.json

Needs Debian's python3-mpmath (and python3-scipy for a float64 cross-check of the incomplete gamma).
Everything is computed with mpmath at 60 significant digits, independently of the TypeScript code:

- incompleteGamma: regularised P(a, x) and Q(a, x) on a grid of (a, x);
- omega: optimal Markov weights for a few (type, H, K, gamma_max, T) with the closed-form A and b of
  MATH.md section 2.2, solved exactly (no ridge); the closed-form b is first checked against a direct
  numerical integration of E[B_H(t) Y_i(t)] (type II) and E[B_H(t) (Y_i(t) - Y_i(0))] (type I);
- rlCovariance: the Riemann-Liouville covariance (1/Gamma(H+1/2)^2) int_0^s (t-u)^(H-1/2) (s-u)^(H-1/2) du;
- fouStationary: the autocovariance of the stationary type-I fractional OU process from its spectral density.
"""
import json
import sys

import mpmath as mp
import scipy.special as sc

mp.mp.dps = 60


def f(x):
    return float(x)


def incomplete_gamma_grid():
    rows = []
    for a in ['0.05', '0.2', '0.5', '0.8', '1', '1.3', '1.5', '2', '3.7', '10', '25.5', '60']:
        for x in ['1e-8', '1e-4', '0.01', '0.1', '0.5', '1', '1.7', '3', '7.5', '15', '30', '70', '150']:
            A, X = mp.mpf(a), mp.mpf(x)
            p = mp.gammainc(A, 0, X, regularized=True)
            q = mp.gammainc(A, X, mp.inf, regularized=True)
            # scipy agrees to float64 accuracy (a sanity check of the reference itself)
            assert abs(sc.gammainc(float(A), float(X)) - f(p)) <= 1e-12 * f(p) + 1e-300
            rows.append({'a': f(A), 'x': f(X), 'P': f(p), 'Q': f(q)})
    return rows


def gammas_of(K, gmax):
    gmax = mp.mpf(gmax)
    if K == 1:
        return [mp.mpf(1)]
    r = gmax ** (mp.mpf(2) / (K - 1))
    n = mp.mpf(K + 1) / 2
    return [r ** (k - n) for k in range(1, K + 1)]


def system(kind, H, gam, T):
    H, T = mp.mpf(H), mp.mpf(T)
    al = H + mp.mpf('0.5')
    K = len(gam)
    A = mp.matrix(K, K)
    b = mp.matrix(K, 1)
    P = lambda a, x: mp.gammainc(a, 0, x, regularized=True)
    Q = lambda a, x: mp.gammainc(a, x, mp.inf, regularized=True)
    for i in range(K):
        gi = gam[i]
        for j in range(K):
            gj = gam[j]
            s = gi + gj
            if kind == 'II':
                A[i, j] = (T + (mp.exp(-s * T) - 1) / s) / s
            else:
                A[i, j] = (2 * T + (mp.exp(-gi * T) - 1) / gi + (mp.exp(-gj * T) - 1) / gj) / s
        if kind == 'II':
            b[i] = T * gi ** (-al) * P(al, gi * T) - al * gi ** (-(al + 1)) * P(al + 1, gi * T)
        else:
            b[i] = (2 * T * gi ** (-al) - T ** al / (gi * mp.gamma(al + 1))
                    + (mp.exp(-gi * T) - Q(al, gi * T) * mp.exp(gi * T)) * gi ** (-(al + 1)))
    if kind == 'II':
        c = T ** (2 * H + 1) / (2 * H * (2 * H + 1) * mp.gamma(al) ** 2)
    else:
        VH = 1 / (mp.gamma(2 * H + 1) * mp.sin(mp.pi * H))
        c = VH * T ** (2 * H + 1) / (2 * H + 1)
    return A, b, c


def check_b_by_quadrature():
    """b_i = int_0^T E[B(t) Yhat_i(t)] dt computed by direct integration, against the closed form."""
    mp.mp.dps = 30
    H, T, g = mp.mpf('0.3'), mp.mpf(1), mp.mpf('2.7')
    al = H + mp.mpf('0.5')
    G = mp.gamma(al)
    # type II: E[B(t) Y(t)] = (1/G) int_0^t u^(al-1) e^(-g u) du
    e2 = lambda t: mp.quad(lambda u: u ** (al - 1) * mp.exp(-g * u), [0, t]) / G
    b2 = mp.quad(e2, [0, T])
    _, bb, _ = system('II', H, [g], T)
    assert abs(b2 - bb[0]) < mp.mpf('1e-12') * abs(b2), (b2, bb[0])
    # type I: B(t) = (1/G) int [(t-s)_+^(al-1) - (-s)_+^(al-1)] dW_s, Y(t) - Y(0) = int [e^(-g(t-s)) 1_{s<t} - e^(g s) 1_{s<0}] dW_s
    def e1(t):
        neg = mp.quad(lambda s: ((t - s) ** (al - 1) - (-s) ** (al - 1)) * (mp.exp(-g * (t - s)) - mp.exp(g * s)), [-mp.inf, -1, 0])
        pos = mp.quad(lambda s: (t - s) ** (al - 1) * mp.exp(-g * (t - s)), [0, t])
        return (neg + pos) / G
    b1 = mp.quad(e1, [0, T])
    _, bb, _ = system('I', H, [g], T)
    assert abs(b1 - bb[0]) < mp.mpf('1e-9') * abs(b1), (b1, bb[0])
    mp.mp.dps = 60
    return {'H': 0.3, 'T': 1, 'gamma': 2.7, 'typeII': f(b2), 'typeI': f(b1)}


def omega_cases():
    out = []
    for kind, H, K, gmax in [('II', '0.3', 5, 20), ('II', '0.7', 5, 20), ('II', '0.3', 5, 100), ('II', '0.5', 5, 20),
                             ('II', '0.3', 8, 20), ('II', '0.3', 10, 20), ('I', '0.3', 5, 100), ('I', '0.7', 5, 100),
                             ('I', '0.7', 5, 20)]:
        gam = gammas_of(K, gmax)
        A, b, c = system(kind, H, gam, 1)
        w = mp.lu_solve(A, b)
        rel = 1 - (b.T * w)[0] / c
        ev = mp.eigsy(A)[0]
        case = {'type': kind, 'hurst': float(H), 'K': K, 'gammaMax': gmax, 'horizon': 1,
                'gammas': [f(g) for g in gam], 'omega': [f(x) for x in w], 'relativeError': f(rel),
                'c': f(c), 'b': [f(x) for x in b], 'condition': f(max(ev) / min(ev))}
        if K == 5:
            # d omega / dH of the exact solve, by mpmath's numerical differentiation at 60 digits
            wH = lambda h, i: mp.lu_solve(system(kind, h, gam, 1)[0], system(kind, h, gam, 1)[1])[i]
            case['dOmegaDHurst'] = [f(mp.diff(lambda h: wH(h, i), mp.mpf(H))) for i in range(K)]
        out.append(case)
    return out


def rl_cov():
    rows = []
    for H in ['0.3', '0.7', '0.5', '0.1']:
        al = mp.mpf(H) + mp.mpf('0.5')
        for t, s in [('1', '1'), ('1', '0.5'), ('0.75', '0.25'), ('0.3', '0.29'), ('2', '0.001')]:
            T, S = mp.mpf(t), mp.mpf(s)
            v = mp.quad(lambda u: (T - u) ** (al - 1) * (S - u) ** (al - 1), [0, S]) / mp.gamma(al) ** 2
            rows.append({'hurst': float(H), 't': f(T), 's': f(S), 'cov': f(v)})
    return rows


def fou_stationary():
    """Autocovariance of the stationary type-I fOU (sigma = 1, V_H normalisation) by its spectral form
    rho(tau) = (1/pi) int_0^inf cos(tau x) x^(1-2H) / (theta^2 + x^2) dx (mpmath quadosc)."""
    mp.mp.dps = 30
    rows = []
    for H in ['0.3', '0.7']:
        for theta in ['0.5', '2']:
            for tau in ['0.1', '1', '3']:
                h, th, t = mp.mpf(H), mp.mpf(theta), mp.mpf(tau)
                g = lambda x: mp.cos(t * x) * x ** (1 - 2 * h) / (th ** 2 + x ** 2)
                # the end singularity x^(1-2H) by tanh-sinh on [0, 1], the oscillatory tail by quadosc
                # (quadosc over [0, inf) alone is off by up to 0.6% at H = 0.7)
                v = (mp.quad(g, [0, 1]) + mp.quadosc(g, [1, mp.inf], omega=t)) / mp.pi
                rows.append({'hurst': float(H), 'theta': float(theta), 'tau': float(tau), 'rho': f(v)})
    mp.mp.dps = 60
    return rows


if __name__ == '__main__':
    ref = {
        'generatedBy': 'scripts/fbm-reference.py (mpmath %s, 60 digits)' % mp.__version__,
        'incompleteGamma': incomplete_gamma_grid(),
        'bQuadratureCheck': check_b_by_quadrature(),
        'omega': omega_cases(),
        'rlCovariance': rl_cov(),
        'fouStationary': fou_stationary(),
    }
    json.dump(ref, sys.stdout, indent=1)
    sys.stdout.write('\n')
