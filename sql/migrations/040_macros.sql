-- Macros the marts share.

-- The organisations expected that are not among those that submitted, sorted and comma-separated
-- ('' when none is missing): the missing_trusts of every mart that reports coverage.
CREATE OR REPLACE MACRO missing_from(expected, submitted) AS
    array_to_string(list_sort(list_filter(expected,
                                          lambda code: NOT list_contains(submitted, code))), ',');
