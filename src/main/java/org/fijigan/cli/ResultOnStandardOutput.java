
package org.fijigan.cli;

/**
 * A command whose result is what it prints (info's description, models list,
 * trust provenance's or evaluate's CSV without --output): lost there (a full
 * disk, a closed pipe), the command failed. A command whose results are files
 * prints progress alone, and succeeds whether or not that reached a reader.
 */
interface ResultOnStandardOutput {

	/** Whether this run's result is what it prints. */
	boolean resultOnStandardOutput();
}
