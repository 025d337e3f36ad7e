# Doxygen INPUT_FILTER for include/assemblyai.h (docs/Doxyfile). The header is written for
# people reading it in an editor; this makes its plain comments count for Doxygen too, without
# adding or removing lines (so "definition at line N" stays right):
# - the top comment (conventions) becomes the main page, and the file is documented;
1s|^/\*$|/** @file assemblyai.h */ /** @mainpage The C interface|
# - "(section: NAME)" markers are for the people who add sections, not for readers;
s|^/\* (section: [a-z]*) \*/$||
# - comments after a member, enumerator or macro document it (/**< ... */);
s|^\([[:space:]]*[A-Za-z_#][^/]*[^[:space:]/]\)[[:space:]]*/\*[[:space:]]|\1 /**< |
# - a prose comment at the start of a line (not a "=====" or "---" banner) documents what follows.
/^\/\* [=-]\{3\}/b
s|^/\* |/** |
# - "<major>" and the like are placeholders in the text, not HTML tags.
s|<\([a-z_]*\)>|\\<\1\\>|g
