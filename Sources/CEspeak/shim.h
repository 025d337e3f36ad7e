/* espeak-ng (Debian's libespeak-ng-dev) for the local server's Text-to-Speech endpoints only.
   Never linked into libassemblyai. */
#ifndef AAI_CESPEAK_SHIM_H
#define AAI_CESPEAK_SHIM_H
#include <espeak-ng/speak_lib.h>
#endif
