/*
 * reconciler: GitOps for LiveRamp -> Kargo audience distributions.
 * Dispatch only: the commands, their table and their options are cmd/.
 */
#include "cmd/cmd.h"

int main(int argc, char **argv)
{
	return commands_main(argc, argv);
}
