// Cantilever block for the ftwin FE benchmark: 1 x 0.25 x 0.25 m, x along the beam.
// Linear tetrahedra; ftwin builds P2 (mesh.order: 2) on the edges itself.
// Size parameter: gmsh -3 beam.geo -setnumber h 0.02 -o beam.msh
SetFactory("OpenCASCADE");
DefineConstant[ h = {0.05, Name "Parameters/element size h [m]"} ];
Box(1) = {0, 0, 0, 1, 0.25, 0.25};
Physical Volume("body") = {1};
Physical Surface("fixed") = {1};   // x = 0
Physical Surface("load") = {2};    // x = 1
Mesh.MeshSizeMin = h;
Mesh.MeshSizeMax = h;
Mesh.Algorithm3D = 10;             // HXT; run gmsh with -nt 1 (see run.sh)
Mesh.MshFileVersion = 4.1;
