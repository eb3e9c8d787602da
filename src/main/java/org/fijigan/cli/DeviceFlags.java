
package org.fijigan.cli;

import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.engine.ThreadCount;

import picocli.CommandLine.Option;

/**
 * Where a model runs: the execution provider and the intra-op threads, shared
 * by every command that runs one.
 */
final class DeviceFlags {

	@Option(names = "--device", paramLabel = "D", defaultValue = "auto",
		description = "auto, cpu, cuda[:INDEX], tensorrt, rocm, directml, coreml or openvino " +
			"(default: auto, which falls back to the CPU). Add :strict to a GPU provider (cuda:strict, " +
			"cuda:1:strict) to fail instead of running any node on the CPU.")
	DeviceSpec device;

	@Option(names = "--threads", paramLabel = "N", defaultValue = "0",
		converter = Threads.class,
		description = "Intra-op threads: 0 for one per core (default), at most 4 per core.")
	int threads;

	static final class Threads implements
		picocli.CommandLine.ITypeConverter<Integer>
	{

		@Override
		public Integer convert(String text) throws Exception {
			return Main.converter(ThreadCount::parse).convert(text);
		}
	}
}
