"""Local fakes and seeded estates so mlscan runs end to end with no cloud: moto, the ARM and Vertex emulators."""
