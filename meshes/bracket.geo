// Steel lifting lug / bracket (example asset), millimetres (case file: mesh.unit: mm).
// A base plate 120 x 80 x 12 with four bolt holes, an upright lug 60 wide x 16 thick with a
// rounded top (radius 30) and a pin hole (diameter 26, axis along y at z = 72), and a
// fillet (radius 6) all round the lug root: the fatigue hot spot.
// The lug is split by the plane z = 72 (two volumes, one conforming mesh) so that the hole
// surface comes in an upper half (the pin bears on it when lifting: the load surface) and a
// lower half.
//   gmsh -3 -format msh41 -setnumber h 5 -setnumber hf 1.5 bracket.geo -o bracket.msh
// Parameters: h = element size [mm], hf = size on the fillet and the hole.
// Regions:
//   body          volume (both volumes)
//   base_bottom   z = 0 face (bolted down: fixed)
//   base_top      z = 12 face of the plate around the lug (heated in the thermal example)
//   hole          upper half of the pin hole (z >= 72): bearing load surface
//   hole_lower    lower half of the pin hole
//   lug_front     lug face y = +8 (second load direction)
//   lug_back      lug face y = -8
//   fillet        the fillet faces at the lug root (hot spot, for probing)
//   bolt_holes    the four bolt-hole bores
//   exterior      every boundary face except base_bottom (convection to ambient)
//   ambient       every boundary face except base_bottom and base_top
SetFactory("OpenCASCADE");

If (!Exists(h))
  h = 5;
EndIf
If (!Exists(hf))
  hf = 1.5;
EndIf

Lb = 120; Wb = 80; tb = 12;     // base plate
wl = 60; tl = 16; zc = 72;      // lug width, thickness, hole-centre height
rl = wl / 2;                    // lug top radius
rh = 13;                        // pin hole radius
rf = 6;                         // fillet radius
rb = 7; xb = 45; yb = 28;       // bolt holes

Box(1) = {-Lb/2, -Wb/2, 0, Lb, Wb, tb};
Box(2) = {-wl/2, -tl/2, tb, wl, tl, zc - tb};
Cylinder(3) = {0, -tl/2, zc, 0, tl, 0, rl};
u() = BooleanUnion{ Volume{1}; Delete; }{ Volume{2, 3}; Delete; };

eps = 1e-3;
root() = Curve In BoundingBox{-wl/2-eps, -tl/2-eps, tb-eps, wl/2+eps, tl/2+eps, tb+eps};
f() = Fillet{u(0)}{root()}{rf};

Cylinder(10) = {0, -tl, zc, 0, 2*tl, 0, rh};
Cylinder(11) = { xb,  yb, -1, 0, 0, tb + 2, rb};
Cylinder(12) = {-xb,  yb, -1, 0, 0, tb + 2, rb};
Cylinder(13) = { xb, -yb, -1, 0, 0, tb + 2, rb};
Cylinder(14) = {-xb, -yb, -1, 0, 0, tb + 2, rb};
c() = BooleanDifference{ Volume{f(0)}; Delete; }{ Volume{10:14}; Delete; };

// split at z = zc into two volumes with a shared (conforming) face
Box(20) = {-Lb, -Wb, -1, 2*Lb, 2*Wb, zc + 1};
lo() = BooleanIntersection{ Volume{c(0)}; }{ Volume{20}; };
hi() = BooleanDifference{ Volume{c(0)}; Delete; }{ Volume{20}; Delete; };
v() = BooleanFragments{ Volume{lo(), hi()}; Delete; }{};

// --- classify the boundary faces
s_bottom() = Surface In BoundingBox{-Lb/2-eps, -Wb/2-eps, -eps, Lb/2+eps, Wb/2+eps, eps};
s_top()    = Surface In BoundingBox{-Lb/2-eps, -Wb/2-eps, tb-eps, Lb/2+eps, Wb/2+eps, tb+eps};
s_holeup() = Surface In BoundingBox{-rh-eps, -tl/2-eps, zc-eps, rh+eps, tl/2+eps, zc+rh+eps};
s_holelo() = Surface In BoundingBox{-rh-eps, -tl/2-eps, zc-rh-eps, rh+eps, tl/2+eps, zc+eps};
s_front()  = Surface In BoundingBox{-rl-eps, tl/2-eps, tb+rf-eps, rl+eps, tl/2+eps, zc+rl+eps};
s_back()   = Surface In BoundingBox{-rl-eps, -tl/2-eps, tb+rf-eps, rl+eps, -tl/2+eps, zc+rl+eps};
s_fil()    = Surface In BoundingBox{-rl-rf-eps, -tl/2-rf-eps, tb-eps, rl+rf+eps, tl/2+rf+eps, tb+rf+eps};
s_bolt() = {};
For i In {0:3}
  sx = (i == 0 || i == 2) ? xb : -xb;
  sy = (i < 2) ? yb : -yb;
  s_bolt() += Surface In BoundingBox{sx-rb-eps, sy-rb-eps, -eps, sx+rb+eps, sy+rb+eps, tb+eps};
EndFor
// the split face at z = zc is interior: it bounds two volumes
s_bnd() = Abs(Boundary{ Volume{v()}; });
s_ext() = {};
For k In {0:#s_bnd()-1}
  keep = 1;
  For j In {0:#s_bottom()-1}
    If (s_bnd(k) == s_bottom(j))
      keep = 0;
    EndIf
  EndFor
  If (keep)
    s_ext() += s_bnd(k);
  EndIf
EndFor
s_amb() = {};
For k In {0:#s_ext()-1}
  keep = 1;
  For j In {0:#s_top()-1}
    If (s_ext(k) == s_top(j))
      keep = 0;
    EndIf
  EndFor
  If (keep)
    s_amb() += s_ext(k);
  EndIf
EndFor

Physical Volume("body", 1) = {v()};
Physical Surface("base_bottom", 11) = {s_bottom()};
Physical Surface("base_top", 12) = {s_top()};
Physical Surface("hole", 13) = {s_holeup()};
Physical Surface("hole_lower", 14) = {s_holelo()};
Physical Surface("lug_front", 15) = {s_front()};
Physical Surface("lug_back", 16) = {s_back()};
Physical Surface("fillet", 17) = {s_fil()};
Physical Surface("bolt_holes", 18) = {s_bolt()};
Physical Surface("exterior", 19) = {s_ext()};
Physical Surface("ambient", 20) = {s_amb()};

// --- mesh size: hf on the fillet and the pin hole, h elsewhere
Field[1] = Distance;
Field[1].SurfacesList = {s_fil(), s_holeup(), s_holelo()};
Field[1].NumPointsPerCurve = 40;
Field[2] = Threshold;
Field[2].InField = 1;
Field[2].SizeMin = hf;
Field[2].SizeMax = h;
Field[2].DistMin = 1.0;
Field[2].DistMax = 15;
Background Field = 2;
Mesh.MeshSizeExtendFromBoundary = 0;
Mesh.MeshSizeFromPoints = 0;
Mesh.MeshSizeFromCurvature = 0;
Mesh.MeshSizeMax = h;

Mesh.ElementOrder = 1;
Mesh.RecombineAll = 0;
Mesh.Optimize = 1;
