
package org.fijigan.core.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import org.fijigan.core.GanException;

/**
 * What the user asked to run on: {@code auto}, or a provider with an optional
 * device index ({@code cuda:1}) and an optional {@code :strict} last
 * ({@code cuda:strict}, {@code cuda:1:strict}). {@code auto} tries the GPU
 * providers this ONNX Runtime build has, in order, and falls back to the CPU. A
 * strict GPU device never falls back: the provider must load, and every node of
 * the model must have a kernel in it (ONNX Runtime's
 * {@code session.disable_cpu_ep_fallback}), or opening the model fails with a
 * message naming the nodes. Strict needs a named GPU provider:
 * {@code auto:strict} and {@code cpu:strict} are refused.
 *
 * @param provider null for {@code auto}
 * @param deviceIndex device number for GPU providers (0 when not given)
 * @param strict no CPU fallback, neither for the whole model nor for single
 *          nodes
 */
public record DeviceSpec(ExecutionProvider provider, int deviceIndex,
		boolean strict) {

	public static final DeviceSpec AUTO = new DeviceSpec(null, 0);
	public static final DeviceSpec CPU = new DeviceSpec(ExecutionProvider.CPU, 0);

	/** The suffix that makes a GPU device strict. */
	public static final String STRICT = "strict";

	public DeviceSpec {
		if (deviceIndex < 0) throw new GanException(
			"device index must be >= 0, got " + deviceIndex);
		if (strict && (provider == null || provider == ExecutionProvider.CPU))
			throw new GanException(
				"':strict' needs a GPU provider (cuda:strict, tensorrt:strict, directml:strict, ...), not " +
					(provider == null ? "auto" : provider.id()));
	}

	/** A device that may fall back to the CPU. */
	public DeviceSpec(ExecutionProvider provider, int deviceIndex) {
		this(provider, deviceIndex, false);
	}

	public boolean isAuto() {
		return provider == null;
	}

	/**
	 * Parses {@code auto}, {@code cpu}, {@code cuda}, {@code cuda:1},
	 * {@code tensorrt:0}, {@code cuda:strict}, {@code cuda:1:strict}, ...:
	 * PROVIDER[:INDEX][:strict], case-insensitive.
	 */
	public static DeviceSpec parse(String text) {
		if (text == null || text.isBlank()) return AUTO;
		List<String> parts = new ArrayList<>(List.of(text.trim().toLowerCase(
			Locale.ROOT).split(":", -1)));
		boolean strict = parts.size() > 1 && parts.get(parts.size() - 1).equals(
			STRICT);
		if (strict) parts.remove(parts.size() - 1);
		if (parts.contains(STRICT)) throw new GanException("'" + text.trim() +
			"': ':strict' goes last, after " + "the device index (cuda:1:strict)");
		if (parts.size() == 1 && parts.get(0).equals("auto")) {
			if (strict) throw new GanException("'" + text.trim() +
				"': strict mode needs a named GPU provider " +
				"(cuda:strict, tensorrt:strict, directml:strict, ...); auto may run on the CPU");
			return AUTO;
		}
		ExecutionProvider p = ExecutionProvider.byId(parts.get(0));
		if (p == null || parts.size() > 2) throw new GanException(
			"unknown device '" + text + "': use auto or one of " + Arrays.stream(
				ExecutionProvider.values()).map(ExecutionProvider::id).collect(
					Collectors.joining(", ")) +
				", optionally with :INDEX (cuda:1) and :strict last " +
				"(cuda:strict, cuda:1:strict)");
		int index = 0;
		if (parts.size() == 2) {
			try {
				index = Integer.parseInt(parts.get(1));
			}
			catch (NumberFormatException e) {
				throw new GanException("device index in '" + text +
					"' is not a number");
			}
		}
		return new DeviceSpec(p, index, strict);
	}

	/**
	 * {@code auto}, {@code cpu}, {@code cuda:0}, {@code cuda:0:strict}: what
	 * {@link #parse} reads back.
	 */
	@Override
	public String toString() {
		if (isAuto()) return "auto";
		return (provider.takesDeviceIndex() ? provider.id() + ":" + deviceIndex
			: provider.id()) + (strict ? ":" + STRICT : "");
	}
}
