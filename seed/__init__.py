"""Demo data for Peiban: a realistic, deterministic NGO in Huangzhou District, Huanggang, Hubei."""
