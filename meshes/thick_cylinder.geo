// Quarter of a hollow cylinder, metres: inner radius a = 0.1, outer radius b = 0.2,
// length L = 0.05 (z from 0 to L), quarter x >= 0, y >= 0.
// With u_z = 0 on zmin and zmax the elastic state is plane strain (validation/thick_cylinder).
//   gmsh -3 -format msh41 -setnumber h 0.01 thick_cylinder.geo -o thick_cylinder.msh
// Parameter h = element size.
// Regions: body; inner (r = a), outer (r = b), sym_x (x = 0 plane), sym_y (y = 0 plane),
// zmin (z = 0), zmax (z = L).
SetFactory("OpenCASCADE");

If (!Exists(h))
  h = 0.01;
EndIf

a = 0.1; b = 0.2; L = 0.05;

Point(1) = {0, 0, 0};
Point(2) = {a, 0, 0};
Point(3) = {b, 0, 0};
Point(4) = {0, b, 0};
Point(5) = {0, a, 0};
Line(1) = {2, 3};
Circle(2) = {3, 1, 4};
Line(3) = {4, 5};
Circle(4) = {5, 1, 2};
Curve Loop(1) = {1, 2, 3, 4};
Plane Surface(1) = {1};
Recursive Delete { Point{1}; }
Extrude {0, 0, L} { Surface{1}; }

// an even number of layers along the axial edges, and a mesh vertex at the mid-radius
// probe point, so that the validation points (r, 0, L/2), r = a, (a+b)/2, b are mesh vertices
nz = 2 * Ceil(L / h / 2);
eps = 1e-6;
c_axial() = Curve In BoundingBox{-eps, -eps, -eps, b+eps, b+eps, L+eps};
For k In {0:#c_axial()-1}
  bb() = BoundingBox Curve{c_axial(k)};
  If (bb(5) - bb(2) > L - eps && bb(3) - bb(0) < eps && bb(4) - bb(1) < eps)
    Transfinite Curve{c_axial(k)} = nz + 1;
  EndIf
EndFor
p_mid = newp;
Point(p_mid) = {0.5*(a + b), 0, L/2};

s_symx() = Surface In BoundingBox{-eps, -eps, -eps, eps, b+eps, L+eps};
s_symy() = Surface In BoundingBox{-eps, -eps, -eps, b+eps, eps, L+eps};
s_zmin() = Surface In BoundingBox{-eps, -eps, -eps, b+eps, b+eps, eps};
s_zmax() = Surface In BoundingBox{-eps, -eps, L-eps, b+eps, b+eps, L+eps};
s_inner() = Surface In BoundingBox{-eps, -eps, -eps, a+eps, a+eps, L+eps};
s_all() = Surface{:};
s_outer() = {};
For k In {0:#s_all()-1}
  c() = CenterOfMass Surface{s_all(k)};
  If (Sqrt(c(0)^2 + c(1)^2) > 0.5*(a + b) && Fabs(c(2) - L/2) < eps)
    bb() = BoundingBox Surface{s_all(k)};
    If (bb(3) - bb(0) > 0.5*b && bb(4) - bb(1) > 0.5*b)
      s_outer() += s_all(k);
    EndIf
  EndIf
EndFor

Point{p_mid} In Surface{s_symy(0)};

Physical Volume("body", 1) = {1};
Physical Surface("inner", 11) = {s_inner()};
Physical Surface("outer", 12) = {s_outer()};
Physical Surface("sym_x", 13) = {s_symx()};
Physical Surface("sym_y", 14) = {s_symy()};
Physical Surface("zmin", 15) = {s_zmin()};
Physical Surface("zmax", 16) = {s_zmax()};

Mesh.MeshSizeMax = h;
Mesh.MeshSizeMin = h / 4;
Mesh.MeshSizeFromCurvature = 0;
Mesh.ElementOrder = 1;
Mesh.RecombineAll = 0;
Mesh.Optimize = 1;
