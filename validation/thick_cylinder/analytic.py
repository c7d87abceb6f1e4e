#!/usr/bin/env python3
"""Closed-form reference solutions for validation/thick_cylinder (python3, standard library only).

Hollow circular cylinder a <= r <= b, plane strain (u_z = 0 on both ends => eps_z = 0),
isotropic linear elastic, no body force. Stresses in cylindrical components; on the y = 0
plane (x = r > 0) sigma_xx = sigma_r, sigma_yy = sigma_theta, sigma_zz = sigma_z.

(a) Internal pressure p (Lame; Timoshenko & Goodier, 3rd ed., sec. 28):
      A = p a^2 / (b^2 - a^2),   B = p a^2 b^2 / (b^2 - a^2)
      sigma_r = A - B / r^2,     sigma_theta = A + B / r^2,
      sigma_z = nu (sigma_r + sigma_theta) = 2 nu A          (plane strain)

(b) Steady radial conduction with T(a) = Ta, T(b) = Tb (no source):
      T(r) = Ta + (Tb - Ta) ln(r/a) / ln(b/a),   dT(r) = T(r) - T_ref
    Plane-strain thermal stresses, free inner and outer surfaces
    (Timoshenko & Goodier, Theory of Elasticity, 3rd ed., 1970, sec. 151 "long circular
     cylinder", the eps_z = 0 case; Boley & Weiner, Theory of Thermal Stresses, 1960):
      I(r) = int_a^r dT(s) s ds
      sigma_r     = alpha E / ((1 - nu) r^2) * [ (r^2 - a^2)/(b^2 - a^2) I(b) - I(r) ]
      sigma_theta = alpha E / ((1 - nu) r^2) * [ (r^2 + a^2)/(b^2 - a^2) I(b) + I(r) - dT(r) r^2 ]
      sigma_z     = nu (sigma_r + sigma_theta) - alpha E dT(r)
                  = alpha E / (1 - nu) * [ 2 nu I(b) / (b^2 - a^2) - dT(r) ]
    For the logarithmic profile, with c = (Tb - Ta)/ln(b/a) and d0 = Ta - T_ref:
      I(r) = d0 (r^2 - a^2)/2 + c [ r^2 ln(r/a)/2 - (r^2 - a^2)/4 ]
    The integral is also evaluated by composite Simpson as a self-check.

Usage: python3 analytic.py [--json]     (prints a table; --json prints machine-readable values)
"""
import json
import math
import sys

# problem data (SI)
a, b, L = 0.1, 0.2, 0.05           # m
E, nu, alpha, k = 200e9, 0.3, 1.2e-5, 50.0
p = 100e6                          # Pa, internal pressure (load case "pressure")
Ta, Tb, Tref = 373.15, 293.15, 293.15   # K


def lame(r):
    A = p * a * a / (b * b - a * a)
    B = p * a * a * b * b / (b * b - a * a)
    sr = A - B / (r * r)
    st = A + B / (r * r)
    return sr, st, nu * (sr + st)


def temperature(r):
    return Ta + (Tb - Ta) * math.log(r / a) / math.log(b / a)


def dT(r):
    return temperature(r) - Tref


def I_closed(r):
    c = (Tb - Ta) / math.log(b / a)
    d0 = Ta - Tref
    return d0 * (r * r - a * a) / 2 + c * (r * r * math.log(r / a) / 2 - (r * r - a * a) / 4)


def I_simpson(r, n=2000):
    if r == a:
        return 0.0
    hh = (r - a) / n
    s = dT(a) * a + dT(r) * r
    for i in range(1, n):
        x = a + i * hh
        s += (4 if i % 2 else 2) * dT(x) * x
    return s * hh / 3


def thermal(r, I=I_closed):
    Ib, Ir = I(b), I(r)
    f = alpha * E / ((1 - nu) * r * r)
    sr = f * ((r * r - a * a) / (b * b - a * a) * Ib - Ir)
    st = f * ((r * r + a * a) / (b * b - a * a) * Ib + Ir - dT(r) * r * r)
    sz = nu * (sr + st) - alpha * E * dT(r)
    return sr, st, sz


def thermal_log_closed(r):
    """Textbook form for the log profile (Timoshenko & Goodier sec. 151) with Ti = Ta - Tb,
    valid when T_ref = Tb (as here); sigma_z is the plane-strain one."""
    Ti = Ta - Tb
    f = alpha * E * Ti / (2 * (1 - nu) * math.log(b / a))
    g = a * a / (b * b - a * a)
    sr = f * (-math.log(b / r) - g * (1 - b * b / (r * r)) * math.log(b / a))
    st = f * (1 - math.log(b / r) - g * (1 + b * b / (r * r)) * math.log(b / a))
    sz = nu * (sr + st) - alpha * E * dT(r)
    return sr, st, sz


def main():
    radii = [("a", a), ("(a+b)/2", 0.5 * (a + b)), ("b", b)]
    rows = []
    for label, r in radii:
        pt = [r, 0.0, L / 2]
        ls = lame(r)
        ts = thermal(r)
        tn = thermal(r, I_simpson)
        tc = thermal_log_closed(r)
        for x, y, z in zip(ts, tn, tc):
            assert abs(x - y) <= 1e-6 * max(1.0, abs(x)) + 1e-3, (x, y)
            assert abs(x - z) <= 1e-6 * max(1.0, abs(x)) + 1e-3, (x, z)
        rows.append(dict(label=label, r=r, point=pt, T=temperature(r),
                         pressure=dict(zip(("sigma_r", "sigma_theta", "sigma_z"), ls)),
                         thermal=dict(zip(("sigma_r", "sigma_theta", "sigma_z"), ts))))
    if "--json" in sys.argv[1:]:
        print(json.dumps(dict(a=a, b=b, L=L, E=E, nu=nu, alpha=alpha, k=k, p=p, Ta=Ta, Tb=Tb,
                              Tref=Tref, points=rows), indent=1))
        return
    print(f"hollow cylinder a={a} m, b={b} m, L={L} m; E={E:g} Pa, nu={nu}, alpha={alpha:g} /K, k={k} W/(m K)")
    print("points on the y = 0 plane at mid-length: sigma_xx = sigma_r, sigma_yy = sigma_theta, sigma_zz = sigma_z")
    print(f"\n(a) internal pressure p = {p/1e6:g} MPa, plane strain (Lame)")
    print(f"{'r':>10} {'point [m]':>20} {'sigma_r [MPa]':>14} {'sigma_th [MPa]':>15} {'sigma_z [MPa]':>14}")
    for row in rows:
        s = row["pressure"]
        print(f"{row['label']:>10} {str(tuple(round(c, 4) for c in row['point'])):>20} "
              f"{s['sigma_r']/1e6:14.4f} {s['sigma_theta']/1e6:15.4f} {s['sigma_z']/1e6:14.4f}")
    print(f"\n(b) T(a) = {Ta} K, T(b) = {Tb} K, T_ref = {Tref} K, plane strain (eps_z = 0)")
    print(f"{'r':>10} {'T [K]':>10} {'sigma_r [MPa]':>14} {'sigma_th [MPa]':>15} {'sigma_z [MPa]':>14}")
    for row in rows:
        s = row["thermal"]
        print(f"{row['label']:>10} {row['T']:10.4f} {s['sigma_r']/1e6:14.4f} "
              f"{s['sigma_theta']/1e6:15.4f} {s['sigma_z']/1e6:14.4f}")
    print("\nself-checks passed: closed-form integral == Simpson quadrature == textbook log-profile formula")


if __name__ == "__main__":
    main()
