package org.fijigan.cli;

import org.fijigan.core.engine.DeviceSpec;

import picocli.CommandLine.Option;

/** Where a model runs: the execution provider and the intra-op threads, shared by every command that runs one. */
final class DeviceFlags {
	@Option(names = "--device", paramLabel = "D", defaultValue = "auto",
		description = "auto, cpu, cuda[:INDEX], tensorrt, rocm, directml, coreml or openvino " +
			"(default: auto, which falls back to the CPU).")
	DeviceSpec device;

	@Option(names = "--threads", paramLabel = "N", defaultValue = "0",
		description = "Intra-op threads (default: all cores).")
	int threads;
}
