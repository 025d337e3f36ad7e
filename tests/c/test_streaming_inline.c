/* Every streaming test of test_streaming.c again, with 0 callback threads
   (aai_streaming_set_callback_threads(0): the I/O thread runs the callbacks itself), plus the
   checks only that callback model has. */
#define AAI_TEST_INLINE 1
#include "test_streaming.c"
