package org.fijigan.core.engine;

import java.util.Arrays;
import java.util.stream.Collectors;

import org.fijigan.core.GanException;

/**
 * What the user asked to run on: {@code auto}, or a provider with an optional device index
 * ({@code cuda:1}). {@code auto} tries the GPU providers this ONNX Runtime build has, in order, and
 * falls back to the CPU.
 *
 * @param provider null for {@code auto}
 * @param deviceIndex device number for GPU providers (0 when not given)
 */
public record DeviceSpec(ExecutionProvider provider, int deviceIndex) {
	public static final DeviceSpec AUTO = new DeviceSpec(null, 0);
	public static final DeviceSpec CPU = new DeviceSpec(ExecutionProvider.CPU, 0);

	public DeviceSpec {
		if (deviceIndex < 0) throw new GanException("device index must be >= 0, got " + deviceIndex);
	}

	public boolean isAuto() {
		return provider == null;
	}

	/** Parses {@code auto}, {@code cpu}, {@code cuda}, {@code cuda:1}, {@code tensorrt:0}, ... */
	public static DeviceSpec parse(String text) {
		if (text == null || text.isBlank() || text.trim().equalsIgnoreCase("auto")) return AUTO;
		String[] parts = text.trim().split(":", 2);
		ExecutionProvider p = ExecutionProvider.byId(parts[0]);
		if (p == null) throw new GanException("unknown device '" + text + "': use auto or one of " +
			Arrays.stream(ExecutionProvider.values()).map(ExecutionProvider::id).collect(Collectors
				.joining(", ")) + ", optionally with :INDEX (cuda:1)");
		int index = 0;
		if (parts.length == 2) {
			try {
				index = Integer.parseInt(parts[1]);
			}
			catch (NumberFormatException e) {
				throw new GanException("device index in '" + text + "' is not a number");
			}
		}
		return new DeviceSpec(p, index);
	}

	@Override
	public String toString() {
		if (isAuto()) return "auto";
		return provider.takesDeviceIndex() ? provider.id() + ":" + deviceIndex : provider.id();
	}
}
