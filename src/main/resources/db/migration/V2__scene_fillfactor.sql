-- Room on every page of scene for the next versions of its rows: an update that changes no indexed
-- column (a rename, new code or props) then stays on the row's page as a heap-only tuple (HOT), with no
-- new entries in the table's two indexes, and the page's dead versions are pruned in place. Scenes are
-- the rows an editor writes most. Pages written before this migration keep their fill until rewritten.
alter table scene set (fillfactor = 70);
