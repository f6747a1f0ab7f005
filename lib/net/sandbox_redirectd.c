#include <seccomp.h>
#include "base/die.h"
#include "net/sandbox.h"
void
sandbox_redirectd(void)
{
}
