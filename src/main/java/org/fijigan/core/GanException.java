
package org.fijigan.core;

/**
 * The one error type the engine throws for anything a user can act on: a
 * missing or corrupt model, an image the model cannot take, a wrong-sized mask,
 * a provider that cannot load. The message is written for the user (one line,
 * naming the problem and, where possible, the fix); adapters print it as is.
 */
public class GanException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public GanException(String message) {
		super(message);
	}

	public GanException(String message, Throwable cause) {
		super(message, cause);
	}
}
