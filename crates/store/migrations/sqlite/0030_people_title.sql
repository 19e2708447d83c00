-- A person's academic or professional title (gelar: "S.Kom., M.T.", "Dr."),
-- as a SIMPEG/SIASN export gives it beside the name (issue 18). Kept apart
-- from the name so that a name matches across systems that drop it.
ALTER TABLE people ADD COLUMN title TEXT;
