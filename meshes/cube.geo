// Unit cube [0,1]^3 (metres), structured tetrahedral mesh.
// Parameter N = cells per edge; every cube cell is split into 6 tetrahedra
// (gmsh transfinite volume without recombination).
//   gmsh -3 -format msh41 -setnumber N 4 cube.geo -o cube_n4.msh
// Regions: volume "body"; surfaces xmin xmax ymin ymax zmin zmax and
// "boundary" (all six faces).
SetFactory("OpenCASCADE");

If (!Exists(N))
  N = 4;
EndIf

Box(1) = {0, 0, 0, 1, 1, 1};

Transfinite Curve{:} = N + 1;
Transfinite Surface{:};
Transfinite Volume{1};

eps = 1e-6;
sxmin() = Surface In BoundingBox{-eps, -eps, -eps,  eps, 1+eps, 1+eps};
sxmax() = Surface In BoundingBox{1-eps, -eps, -eps, 1+eps, 1+eps, 1+eps};
symin() = Surface In BoundingBox{-eps, -eps, -eps, 1+eps,  eps, 1+eps};
symax() = Surface In BoundingBox{-eps, 1-eps, -eps, 1+eps, 1+eps, 1+eps};
szmin() = Surface In BoundingBox{-eps, -eps, -eps, 1+eps, 1+eps,  eps};
szmax() = Surface In BoundingBox{-eps, -eps, 1-eps, 1+eps, 1+eps, 1+eps};

Physical Volume("body", 1) = {1};
Physical Surface("xmin", 11) = {sxmin()};
Physical Surface("xmax", 12) = {sxmax()};
Physical Surface("ymin", 13) = {symin()};
Physical Surface("ymax", 14) = {symax()};
Physical Surface("zmin", 15) = {szmin()};
Physical Surface("zmax", 16) = {szmax()};
Physical Surface("boundary", 17) = {sxmin(), sxmax(), symin(), symax(), szmin(), szmax()};

Mesh.ElementOrder = 1;
Mesh.RecombineAll = 0;
