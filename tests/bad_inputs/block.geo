// A small block for the bad-input tests: 1 x 0.2 x 0.2 m.
SetFactory("OpenCASCADE");
Box(1) = {0, 0, 0, 1, 0.2, 0.2};
Physical Volume("body") = {1};
Physical Surface("xmin") = {1};
Physical Surface("xmax") = {2};
Physical Surface("top") = {6};
Mesh.MeshSizeMax = 0.1;
