// NAFEMS LE10 "thick plate pressure": quarter model, metres.
// Inner ellipse x^2/2^2 + y^2/1^2 = 1, outer x^2/3.25^2 + y^2/2.75^2 = 1,
// thickness 0.6 m (z from -0.3 to 0.3). Point D = (2, 0, 0.3) (top face, on the
// inner ellipse, on the y = 0 symmetry plane) is where sigma_yy is compared.
// The plate is built as two layers (z < 0 and z > 0) so that the outer curved
// face carries an edge on the mid-plane z = 0 (the benchmark's u_z = 0 line).
//   gmsh -3 -format msh41 -setnumber h 0.1 -setnumber hD 0.03 le10.geo -o le10.msh
// Parameters: h = element size away from D, hD = element size at D.
// Regions (NAFEMS labels in brackets, see validation/le10/README.md):
//   body            volume
//   top             z = +0.3 face (pressure 1 MPa)
//   bottom          z = -0.3 face (free)
//   sym_x           x = 0 face [ABA'B'] (u_x = 0)
//   sym_y           y = 0 face [DCD'C'] (u_y = 0)
//   outer           outer elliptic face [BCB'C'] (u_x = u_y = 0)
//   inner           inner elliptic face (free)
//   outer_midline   curve z = 0 on the outer face [mid-plane of BC] (u_z = 0)
//   D               point (2, 0, 0.3)
SetFactory("OpenCASCADE");

If (!Exists(h))
  h = 0.1;
EndIf
If (!Exists(hD))
  hD = 0.03;
EndIf

ai = 2.0;  bi = 1.0;    // inner ellipse semi-axes (x, y)
ao = 3.25; bo = 2.75;   // outer ellipse semi-axes (x, y)
t  = 0.6;

// quarter annulus in the plane z = -t/2
Point(1) = {ai, 0, -t/2};
Point(2) = {ao, 0, -t/2};
Point(3) = {0, bo, -t/2};
Point(4) = {0, bi, -t/2};
Line(1) = {1, 2};
Ellipse(2) = {0, 0, -t/2, ao, bo, 0, Pi/2};
Line(3) = {3, 4};
Ellipse(4) = {0, 0, -t/2, ai, bi, 0, Pi/2};
Coherence;
cl() = Curve In BoundingBox{-1e-6, -1e-6, -t/2-1e-6, ao+1e-6, bo+1e-6, -t/2+1e-6};
Curve Loop(1) = {cl()};
Plane Surface(1) = {1};
lower() = Extrude {0, 0, t/2} { Surface{1}; };
upper() = Extrude {0, 0, t/2} { Surface{lower(0)}; };
Coherence;

eps = 1e-6;
vols() = Volume{:};
s_top()    = Surface In BoundingBox{-eps, -eps, t/2-eps, ao+eps, bo+eps, t/2+eps};
s_bottom() = Surface In BoundingBox{-eps, -eps, -t/2-eps, ao+eps, bo+eps, -t/2+eps};
s_symx()   = Surface In BoundingBox{-eps, -eps, -t/2-eps, eps, bo+eps, t/2+eps};
s_symy()   = Surface In BoundingBox{-eps, -eps, -t/2-eps, ao+eps, eps, t/2+eps};
s_inner()  = Surface In BoundingBox{-eps, -eps, -t/2-eps, ai+eps, bi+eps, t/2+eps};
// curved faces: classify by the centroid (inner ellipse lies inside the box above)
s_all() = Surface{:};
s_outer() = {};
For k In {0:#s_all()-1}
  c() = CenterOfMass Surface{s_all(k)};
  bb() = BoundingBox Surface{s_all(k)};
  // a curved face spans both x and y and is vertical (not planar in z)
  If (bb(3) - bb(0) > 0.5 && bb(4) - bb(1) > 0.5 && bb(5) - bb(2) > 0.25)
    If (c(0)^2/ao^2 + c(1)^2/bo^2 > 0.8)
      s_outer() += s_all(k);
    EndIf
  EndIf
EndFor
// the mid-plane edge of the outer face: a curve at z = 0 whose points lie on the outer ellipse
c_all() = Curve In BoundingBox{-eps, -eps, -eps, ao+eps, bo+eps, eps};
c_mid() = {};
For k In {0:#c_all()-1}
  bb() = BoundingBox Curve{c_all(k)};
  If (bb(3) - bb(0) > 1.0 && bb(4) - bb(1) > 1.0 && bb(3) > ao - eps)
    c_mid() += c_all(k);
  EndIf
EndFor
p_D() = Point In BoundingBox{ai-eps, -eps, t/2-eps, ai+eps, eps, t/2+eps};

Physical Volume("body", 1) = {vols()};
Physical Surface("top", 11) = {s_top()};
Physical Surface("bottom", 12) = {s_bottom()};
Physical Surface("sym_x", 13) = {s_symx()};
Physical Surface("sym_y", 14) = {s_symy()};
Physical Surface("outer", 15) = {s_outer()};
Physical Surface("inner", 16) = {s_inner()};
Physical Curve("outer_midline", 21) = {c_mid()};
Physical Point("D", 31) = {p_D()};

// size field: hD at D, growing to h with distance from D
Field[1] = Distance;
Field[1].PointsList = {p_D()};
Field[2] = Threshold;
Field[2].InField = 1;
Field[2].SizeMin = hD;
Field[2].SizeMax = h;
Field[2].DistMin = 0.15;
Field[2].DistMax = 1.2;
Background Field = 2;
Mesh.MeshSizeExtendFromBoundary = 0;
Mesh.MeshSizeFromPoints = 0;
Mesh.MeshSizeFromCurvature = 0;
Mesh.MeshSizeMax = h;

Mesh.ElementOrder = 1;
Mesh.RecombineAll = 0;
Mesh.Optimize = 1;
