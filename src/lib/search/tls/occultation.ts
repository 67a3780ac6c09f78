/**
 * Flux of a star with quadratic limb darkening I(μ) = 1 - u1(1-μ) - u2(1-μ)² occulted by a dark disk,
 * after Mandel & Agol (2002, ApJ 580, L171), for planet-to-star radius ratios p < 1. The complete
 * elliptic integrals use the polynomial approximations of Abramowitz & Stegun (17.3.34, 17.3.36) and
 * Bulirsch's algorithm for the third kind, as the usual transit codes do, so that templates agree with
 * theirs to ~1e-9.
 */

/** Complete elliptic integral of the second kind E(k) (A&S 17.3.36). */
export function ellipticE(k: number): number {
  const m1 = 1 - k * k;
  if (m1 <= 0) return 1;
  const ee1 = 1 + m1 * (0.44325141463 + m1 * (0.0626060122 + m1 * (0.04757383546 + m1 * 0.01736506451)));
  const ee2 = m1 * (0.2499836831 + m1 * (0.09200180037 + m1 * (0.04069697526 + m1 * 0.00526449639))) * Math.log(1 / m1);
  return ee1 + ee2;
}

/** Complete elliptic integral of the first kind K(k) (A&S 17.3.34). */
export function ellipticK(k: number): number {
  const m1 = 1 - k * k;
  const ek1 = 1.38629436112 + m1 * (0.09666344259 + m1 * (0.03590092383 + m1 * (0.03742563713 + m1 * 0.01451196212)));
  const ek2 = (0.5 + m1 * (0.12498593597 + m1 * (0.06880248576 + m1 * (0.03328355346 + m1 * 0.00441787012)))) * Math.log(m1);
  return ek1 - ek2;
}

/** Complete elliptic integral of the third kind ∫ dφ / ((1 + n sin²φ) √(1 - k² sin²φ)), Bulirsch. */
export function ellipticPi(n: number, k: number): number {
  let kc = Math.sqrt(1 - k * k);
  let p = Math.sqrt(n + 1);
  let m0 = 1;
  let c = 1;
  let d = 1 / p;
  let e = kc;
  for (let iter = 0; iter < 1000; iter++) {
    const f = c;
    c = d / p + c;
    let g = e / p;
    d = 2 * (f * g + d);
    p = g + p;
    g = m0;
    m0 = kc + m0;
    if (Math.abs(1 - kc / g) <= 1e-8) break;
    kc = 2 * Math.sqrt(e);
    e = kc * m0;
  }
  return (0.5 * Math.PI * (c * m0 + d)) / (m0 * (m0 + p));
}

/** Fraction of a uniform disk of radius 1 covered by a disk of radius p at centre distance z. */
export function uniformOcculted(p: number, z: number): number {
  if (z >= 1 + p) return 0;
  if (z <= p - 1) return 1;
  if (z <= 1 - p) return p * p;
  const kap0 = Math.acos((p * p + z * z - 1) / (2 * p * z));
  const kap1 = Math.acos((1 - p * p + z * z) / (2 * z));
  const root = Math.sqrt((4 * z * z - (1 + z * z - p * p) ** 2) / 4);
  return (p * p * kap0 + kap1 - root) / Math.PI;
}

/**
 * Relative flux for quadratic limb darkening (u1, u2), radius ratio p (0 < p < 1) and centre
 * distance z (stellar radii). Mandel & Agol cases 1–10.
 */
export function quadraticFlux(p: number, z: number, u1: number, u2: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`radius ratio ${p} must lie in (0, 1)`);
  z = Math.abs(z);
  if (z >= 1 + p) return 1;
  const lambdaE = uniformOcculted(p, z);
  const c2 = u1 + 2 * u2;
  const c4 = -u2;
  const omega4 = 1 - u1 / 3 - u2 / 6;
  if (c2 === 0 && c4 === 0) return 1 - lambdaE / omega4;
  const a = (z - p) ** 2;
  const b = (z + p) ** 2;
  const q = p * p - z * z;
  const eta2 = ((p * p) / 2) * (p * p + 2 * z * z);
  let lambdaD: number;
  let etaD: number;
  const lambda1 = () => {
    const k = Math.sqrt((1 - a) / (4 * z * p));
    return (
      (((1 - b) * (2 * b + a - 3) - 3 * q * (b - 2)) * ellipticK(k) +
        4 * p * z * (z * z + 7 * p * p - 4) * ellipticE(k) -
        3 * (q / a) * ellipticPi(1 / a - 1, k)) /
      (9 * Math.PI * Math.sqrt(p * z))
    );
  };
  const eta1 = () => {
    const kap0 = Math.acos((p * p + z * z - 1) / (2 * p * z));
    const kap1 = Math.acos((1 - p * p + z * z) / (2 * z));
    return (kap1 + 2 * eta2 * kap0 - 0.25 * (1 + 5 * p * p + z * z) * Math.sqrt((1 - a) * (b - 1))) / (2 * Math.PI);
  };
  const lambda2 = () => {
    const kInv = Math.sqrt((4 * z * p) / (1 - a));
    return (
      (2 *
        ((1 - 5 * z * z + p * p + q * q) * ellipticK(kInv) +
          (1 - a) * (z * z + 7 * p * p - 4) * ellipticE(kInv) -
          3 * (q / a) * ellipticPi(b / a - 1, kInv))) /
      (9 * Math.PI * Math.sqrt(1 - a))
    );
  };
  const theta = z < p ? 1 : 0;
  if (z === 0) {
    lambdaD = -(2 / 3) * (1 - p * p) ** 1.5;
    etaD = eta2;
  } else if (z > 1 - p) {
    lambdaD = lambda1();
    etaD = eta1();
  } else if (p === 0.5 && z === 0.5) {
    lambdaD = 1 / 3 - 4 / (9 * Math.PI);
    etaD = 3 / 32;
  } else if (z === 1 - p) {
    lambdaD = (2 / (3 * Math.PI)) * Math.acos(1 - 2 * p) - (4 / (9 * Math.PI)) * (3 + 2 * p - 8 * p * p) * Math.sqrt(p * (1 - p)) - (p > 0.5 ? 2 / 3 : 0);
    etaD = eta2;
  } else if (z === p) {
    if (p < 0.5) {
      lambdaD = 1 / 3 + (2 / (9 * Math.PI)) * (4 * (2 * p * p - 1) * ellipticE(2 * p) + (1 - 4 * p * p) * ellipticK(2 * p));
      etaD = eta2;
    } else {
      const k = 1 / (2 * p);
      lambdaD = 1 / 3 + ((16 * p) / (9 * Math.PI)) * (2 * p * p - 1) * ellipticE(k) - ((1 - 4 * p * p) * (3 - 8 * p * p) / (9 * Math.PI * p)) * ellipticK(k);
      etaD = eta1();
    }
  } else if (z > p || z < 0.5 - Math.abs(p - 0.5)) {
    // p < z < 1 - p (case 3) or z < 1/2 - |p - 1/2| (case 9)
    lambdaD = lambda2();
    etaD = eta2;
  } else {
    // p > 1/2, |1 - p| < z < p (case 8)
    lambdaD = lambda1();
    etaD = eta1();
  }
  return 1 - ((1 - c2) * lambdaE + c2 * (lambdaD + (2 / 3) * theta) - c4 * etaD) / omega4;
}
