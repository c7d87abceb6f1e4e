"""The component's surface: boundary faces of the tetrahedral mesh (faces that belong to one cell
only; of a 10-node tetrahedron the 4 corner nodes, as ftwin itself uses them), oriented outward,
and drawn with matplotlib from a chosen direction (orthographic, back faces culled, painter's
order by depth, Lambert shading): fast enough for meshes of 10^5-10^6 nodes."""
import numpy as np

# the faces of a tetrahedron (corners a b c d): each face with the corner opposite to it
_FACES = np.array([[1, 2, 3, 0], [0, 3, 2, 1], [0, 1, 3, 2], [0, 2, 1, 3]])


class Surface:
    """tri [faces][3] node indices (outward by the right-hand rule), x [nodes][3] coordinates."""

    def __init__(self, coords, topology):
        x = np.asarray(coords, dtype=np.float64)
        t = np.asarray(topology)[:, :4].astype(np.int64)
        n = x.shape[0]
        if t.size and (t.min() < 0 or t.max() >= n):
            raise ValueError(f"the topology refers to node {int(t.max()) if t.max() >= n else int(t.min())} of {n}")
        f = t[:, _FACES[:, :3]].reshape(-1, 3)  # [4 cells][3]
        opp = t[:, _FACES[:, 3]].reshape(-1)
        s = np.sort(f, axis=1)
        if n < 2_000_000:  # one int64 key per face: n^3 < 2^63
            key = (s[:, 0] * n + s[:, 1]) * n + s[:, 2]
            _, first, count = np.unique(key, return_index=True, return_counts=True)
        else:
            _, first, count = np.unique(s, axis=0, return_index=True, return_counts=True)
        b = first[count == 1]
        tri, o = f[b], opp[b]
        # orient outward: the normal points away from the opposite corner
        nrm = np.cross(x[tri[:, 1]] - x[tri[:, 0]], x[tri[:, 2]] - x[tri[:, 0]])
        flip = np.einsum("ij,ij->i", nrm, x[o] - x[tri[:, 0]]) > 0
        tri[flip] = tri[flip][:, [0, 2, 1]]
        nrm[flip] *= -1
        ln = np.linalg.norm(nrm, axis=1)
        ok = ln > 0
        self.x, self.tri = x, tri[ok]
        self.normal = nrm[ok] / ln[ok, None]
        self.lo, self.hi = x.min(axis=0), x.max(axis=0)
        self.diag = float(np.linalg.norm(self.hi - self.lo)) or 1.0

    def node_normal(self, node):
        """Mean outward normal of the boundary faces around a node (None when it is inside)."""
        m = np.any(self.tri == node, axis=1)
        if not m.any():
            return None
        v = self.normal[m].sum(axis=0)
        ln = np.linalg.norm(v)
        return v / ln if ln > 0 else None


def camera(direction):
    """(d, right, up): d from the part towards the viewer, up as close to +z as possible."""
    d = np.asarray(direction, dtype=np.float64)
    d = d / np.linalg.norm(d)
    z = np.array([0.0, 0.0, 1.0]) if abs(d[2]) < 0.95 else np.array([0.0, 1.0, 0.0])
    right = np.cross(z, d)
    right /= np.linalg.norm(right)
    up = np.cross(d, right)
    return d, right, up


def draw(ax, surf, face_values, cmap, norm, direction, marks=(), window=None, scale=1e3):
    """Draws the surface seen from `direction` on ax, faces coloured by face_values through
    cmap/norm and shaded; marks: [(label, position[3])], drawn filled when visible and hollow
    when hidden behind the part. window: (centre[3], half-width) to zoom on. Coordinates are
    multiplied by `scale` (m -> mm). Returns the number of faces drawn."""
    from matplotlib.collections import PolyCollection

    d, right, up = camera(direction)
    x = surf.x * scale
    P = np.stack([x @ right, x @ up], axis=1)
    depth = x @ d
    front = surf.normal @ d > 1e-9
    tri = surf.tri[front]
    vals = face_values[front]
    shade = 0.45 + 0.55 * (surf.normal[front] @ d)
    if window is not None:
        c, hw = np.asarray(window[0]) * scale, window[1] * scale
        cu, cv = c @ right, c @ up
        cen = P[tri].mean(axis=1)
        keep = (np.abs(cen[:, 0] - cu) < 1.3 * hw) & (np.abs(cen[:, 1] - cv) < 1.3 * hw)
        tri, vals, shade = tri[keep], vals[keep], shade[keep]
    order = np.argsort(depth[tri].mean(axis=1))  # far first
    tri, vals, shade = tri[order], vals[order], shade[order]
    rgba = cmap(norm(vals))
    rgba[:, :3] *= shade[:, None]
    pc = PolyCollection(P[tri], facecolors=rgba, edgecolors=rgba, linewidths=0.15, antialiased=False)
    ax.add_collection(pc)
    if window is not None:
        ax.set_xlim(cu - hw, cu + hw)
        ax.set_ylim(cv - hw, cv + hw)
    else:
        lo, hi = P.min(axis=0), P.max(axis=0)
        pad = 0.04 * max(hi - lo)
        ax.set_xlim(lo[0] - pad, hi[0] + pad)
        ax.set_ylim(lo[1] - pad, hi[1] + pad)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for s in ax.spines.values():
        s.set_visible(False)
    tol = 2e-3 * surf.diag * scale
    T = P[tri]
    for label, pos in marks:
        p = np.asarray(pos, dtype=np.float64) * scale
        u, v, z = p @ right, p @ up, p @ d
        hidden = _covered(T, depth[tri], u, v, z + tol)
        ax.plot([u], [v], marker="o", ms=9 if label else 6, mfc="none" if hidden else "#00e5ff", mec="black", mew=1.2, zorder=5)
        if not label:
            continue
        ax.annotate(label + (" (behind)" if hidden else ""), (u, v), xytext=(7, 7), textcoords="offset points", fontsize=9,
                    fontweight="bold", color="black", zorder=6,
                    bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.75))
    return len(tri)


def _covered(T, Z, u, v, z):
    """Whether any projected triangle covers (u, v) in front of depth z."""
    a, b, c = T[:, 0], T[:, 1], T[:, 2]
    v0, v1 = b - a, c - a
    den = v0[:, 0] * v1[:, 1] - v1[:, 0] * v0[:, 1]
    ok = np.abs(den) > 1e-30
    w = np.array([u, v]) - a
    l1 = np.where(ok, (w[:, 0] * v1[:, 1] - v1[:, 0] * w[:, 1]) / np.where(ok, den, 1), -1)
    l2 = np.where(ok, (v0[:, 0] * w[:, 1] - w[:, 0] * v0[:, 1]) / np.where(ok, den, 1), -1)
    inside = (l1 >= 0) & (l2 >= 0) & (l1 + l2 <= 1)
    if not inside.any():
        return False
    zi = (1 - l1 - l2) * Z[:, 0] + l1 * Z[:, 1] + l2 * Z[:, 2]
    return bool(np.any(zi[inside] > z))
