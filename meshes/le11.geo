// NAFEMS LE11 "solid cylinder/taper/sphere - temperature": quarter model (90 degree
// sector of the body of revolution about the z axis), metres.
// Meridian (r, z), see validation/le11/README.md for the sources:
//   A (1.0, 0)       inner sphere (radius 1.0, centre at the origin) meets the base
//   B (1.4, 0)       outer sphere (radius 1.4) meets the base
//   C (0.7071, 0.7071)   inner sphere meets the inner cylinder r = 0.7071 (45 degrees)
//   D (sqrt(1.4^2 - zb^2), zb)  outer sphere meets the straight taper, zb = 0.700
//   F (1.0, zb + 0.69)   taper meets the outer cylinder r = 1.0
//   H (1.0, zb + 1.09), G (0.7071, zb + 1.09)  top annulus (z = 1.79)
// Hollow body: bottom annulus r in [1, 1.4] at z = 0, top annulus r in [0.7071, 1] at z = 1.79.
//   gmsh -3 -format msh41 -setnumber h 0.06 -setnumber hA 0.012 le11.geo -o le11.msh
// Parameters: h = element size, hA = size along the circle through A (r = 1, z = 0),
// zb = height of the spherical band's outer corner D (default 0.7 as printed on the
// NAFEMS figure; FeenoX uses Sin(Pi/4) = 0.7071, which moves the top to z = 1.7971).
// Regions: body; sym_x (x = 0 plane), sym_y (y = 0 plane), bottom (z = 0 annulus),
// top (top annulus), inner, outer (free surfaces); curve A_circle (r = 1, z = 0);
// point A = (1, 0, 0).
SetFactory("OpenCASCADE");

If (!Exists(h))
  h = 0.06;
EndIf
If (!Exists(hA))
  hA = 0.012;
EndIf
If (!Exists(zb))
  zb = 0.7;
EndIf

ri = 1.0; ro = 1.4; rc = Sin(Pi/4);   // inner sphere, outer sphere, inner cylinder radii
zt = zb + 0.345 + 0.345 + 0.4;        // top face

Point(1) = {0, 0, 0};
Point(2) = {ri, 0, 0};                    // A
Point(3) = {ro, 0, 0};                    // B
Point(4) = {Sqrt(ro^2 - zb^2), 0, zb};    // D
Point(5) = {1.0, 0, zb + 0.69};           // F
Point(6) = {1.0, 0, zt};                  // H
Point(7) = {rc, 0, zt};                   // G
Point(8) = {rc, 0, rc};                   // C (on the inner sphere at 45 degrees)
Line(1) = {2, 3};
Circle(2) = {3, 1, 4};
Line(3) = {4, 5};
Line(4) = {5, 6};
Line(5) = {6, 7};
Line(6) = {7, 8};
Circle(7) = {8, 1, 2};
Curve Loop(1) = {1, 2, 3, 4, 5, 6, 7};
Plane Surface(1) = {1};
out() = Extrude {{0, 0, 1}, {0, 0, 0}, Pi/2} { Surface{1}; };
Recursive Delete { Point{1}; }

eps = 1e-6;
s_symy()   = Surface In BoundingBox{-eps, -eps, -eps, ro+eps, eps, zt+eps};
s_symx()   = Surface In BoundingBox{-eps, -eps, -eps, eps, ro+eps, zt+eps};
s_bottom() = Surface In BoundingBox{-eps, -eps, -eps, ro+eps, ro+eps, eps};
s_top()    = Surface In BoundingBox{-eps, -eps, zt-eps, ro+eps, ro+eps, zt+eps};
// inner surfaces: the spherical zone r = 1 (z < 0.7071) and the cylinder r = 0.7071
s_all() = Surface{:};
s_inner() = {}; s_outer() = {};
For k In {0:#s_all()-1}
  bb() = BoundingBox Surface{s_all(k)};
  If (bb(3) - bb(0) > 0.1 && bb(4) - bb(1) > 0.1 && bb(5) - bb(2) > 0.1)
    c() = CenterOfMass Surface{s_all(k)};
    // classify by the distance of a point of the face from the axis / origin
    p() = PointsOf{ Surface{s_all(k)}; };
    rmin = 1e9;
    For j In {0:#p()-1}
      xyz() = Point{p(j)};
      rr = Sqrt(xyz(0)^2 + xyz(1)^2 + xyz(2)^2);
      If (Fabs(rr - ri) < 1e-4 || Fabs(Sqrt(xyz(0)^2 + xyz(1)^2) - rc) < 1e-4)
        rmin = 0;
      EndIf
    EndFor
    If (rmin == 0 && Sqrt(c(0)^2 + c(1)^2) < 0.95)
      s_inner() += s_all(k);
    Else
      s_outer() += s_all(k);
    EndIf
  EndIf
EndFor
c_A() = Curve In BoundingBox{-eps, -eps, -eps, ri+eps, ri+eps, eps};
p_A() = Point In BoundingBox{ri-eps, -eps, -eps, ri+eps, eps, eps};

Physical Volume("body", 1) = {Volume{:}};
Physical Surface("sym_x", 11) = {s_symx()};
Physical Surface("sym_y", 12) = {s_symy()};
Physical Surface("bottom", 13) = {s_bottom()};
Physical Surface("top", 14) = {s_top()};
Physical Surface("inner", 15) = {s_inner()};
Physical Surface("outer", 16) = {s_outer()};
Physical Curve("A_circle", 21) = {c_A()};
Physical Point("A", 31) = {p_A()};

Field[1] = Distance;
Field[1].CurvesList = {c_A()};
Field[1].NumPointsPerCurve = 200;
Field[2] = Threshold;
Field[2].InField = 1;
Field[2].SizeMin = hA;
Field[2].SizeMax = h;
Field[2].DistMin = 0.03;
Field[2].DistMax = 0.4;
Background Field = 2;
Mesh.MeshSizeExtendFromBoundary = 0;
Mesh.MeshSizeFromPoints = 0;
Mesh.MeshSizeFromCurvature = 0;
Mesh.MeshSizeMax = h;

Mesh.ElementOrder = 1;
Mesh.RecombineAll = 0;
Mesh.Optimize = 1;
