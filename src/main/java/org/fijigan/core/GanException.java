
package org.fijigan.core;

import java.util.List;

/**
 * The one error type the engine throws for anything a user can act on: a
 * missing or corrupt model, an image the model cannot take, a wrong-sized mask,
 * a provider that cannot load. The message is written for the user (one line,
 * naming the problem and, where possible, the fix); adapters print it as is,
 * with its control characters escaped. A list too long for one line (the
 * outputs a merge did not write) goes in {@link #details()}, each item on a
 * line of its own.
 */
public class GanException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/** The message without its details. */
	private final String headline;
	private final List<String> details;

	public GanException(String message) {
		super(message);
		this.headline = message;
		this.details = List.of();
	}

	public GanException(String message, Throwable cause) {
		super(message, cause);
		this.headline = message;
		this.details = List.of();
	}

	/**
	 * An error whose message is {@code headline} followed by each of
	 * {@code details} on a line of its own, indented by two spaces.
	 */
	public GanException(String headline, List<String> details) {
		super(headline + details.stream().map(d -> "\n  " + d).reduce("",
			String::concat));
		this.headline = headline;
		this.details = List.copyOf(details);
	}

	/** The message's first line: all of it, unless it has {@link #details()}. */
	public String headline() {
		return headline;
	}

	/** The lines that follow the headline; empty for most errors. */
	public List<String> details() {
		return details;
	}
}
