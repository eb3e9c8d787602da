
package org.fijigan.core.model;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.fijigan.core.GanException;
import org.fijigan.core.engine.Tensor;

/**
 * The inputs of a generator model.
 *
 * @param latentInput name of the latent input
 * @param latentDim length of one latent vector
 * @param latentShape the latent input's shape with -1 for the batch, e.g. [-1,
 *          128] or [-1, 100, 1, 1]
 * @param classInput name of the class input, or null for an unconditional model
 * @param classCount number of classes (0 when unconditional or unknown)
 * @param classNames optional class names, index = label
 * @param classShape the class input's shape with -1 for the batch: [-1] or [-1,
 *          1] for an integer label (Keras declares {@code Input(shape=(1,))} as
 *          the latter), [-1, classCount] for a one-hot vector; empty when
 *          unconditional
 * @param oneHotClass whether the class input takes a float one-hot vector of
 *          {@code classCount} values rather than an integer label
 */
public record GeneratorSpec(String latentInput, int latentDim,
		long[] latentShape, String classInput, int classCount,
		List<String> classNames, long[] classShape, boolean oneHotClass) {

	public GeneratorSpec {
		classNames = classNames == null ? List.of() : List.copyOf(classNames);
		latentShape = latentShape.clone();
		classShape = classShape != null ? classShape.clone() : classInput == null
			? new long[0] : new long[] { -1 };
		if (oneHotClass && (classShape.length != 2 || classShape[1] != classCount))
			throw new IllegalArgumentException("a one-hot class input of " +
				classCount + " classes has shape [-1, " + classCount + "], not " +
				java.util.Arrays.toString(classShape));
	}

	/**
	 * A generator whose class input, if any, takes integer labels of shape [N].
	 */
	public GeneratorSpec(String latentInput, int latentDim, long[] latentShape,
		String classInput, int classCount, List<String> classNames)
	{
		this(latentInput, latentDim, latentShape, classInput, classCount,
			classNames, null, false);
	}

	@Override
	public long[] classShape() {
		return classShape.clone();
	}

	public boolean isConditional() {
		return classInput != null;
	}

	/**
	 * The class input's tensor for {@code count} labels from {@code from} of
	 * {@code labels}, in the input's own form ({@code [N]} or {@code [N,1]}
	 * integers, or one-hot vectors), {@code fed} rows long: rows past
	 * {@code count} (padding of a fixed batch) take label 0, or no class at all
	 * when one-hot.
	 */
	public Tensor classFeed(long[] labels, int from, int count, int fed) {
		long[] shape = classShape.clone();
		if (shape.length > 0) shape[0] = fed;
		if (oneHotClass) {
			float[] oneHot = new float[fed * classCount];
			for (int i = 0; i < count; i++)
				oneHot[i * classCount + (int) labels[from + i]] = 1;
			return Tensor.of(oneHot, shape);
		}
		long[] l = new long[fed];
		System.arraycopy(labels, from, l, 0, count);
		return Tensor.ofLongs(l, shape);
	}

	/**
	 * The labels of a class input's tensor as one integer per sample
	 * ({@code [N]}): the inverse of {@link #classFeed} for {@code [N,1]} labels
	 * and one-hot vectors (the largest entry of each), what a discriminator's
	 * class projection takes.
	 */
	public static Tensor plainLabels(Tensor fed) {
		long[] s = fed.shape();
		long n = s.length == 0 ? 1 : s[0];
		if (!fed.isFloat()) return Tensor.ofLongs(fed.longs(), n);
		int k = (int) (fed.floats().length / Math.max(1, n));
		long[] labels = new long[(int) n];
		for (int i = 0; i < n; i++)
			for (int j = 1; j < k; j++)
				if (fed.floats()[i * k + j] > fed.floats()[i * k + (int) labels[i]])
					labels[i] = j;
		return Tensor.ofLongs(labels, n);
	}

	/**
	 * Refuses class names of which two are the same, or differ only in case: each
	 * names the folder its class's images are read from and written to, and two
	 * such folders are one on a case-insensitive file system (macOS, Windows).
	 *
	 * @param where what the names are, for the message
	 */
	public static void requireDistinctClassNames(List<String> names,
		String where)
	{
		Map<String, String> seen = new HashMap<>();
		for (String n : names) {
			String other = seen.putIfAbsent(n.toLowerCase(Locale.ROOT), n);
			if (other == null) continue;
			throw new GanException(other.equals(n) ? "class name '" + n +
				"' is given twice in " + where : "class names '" + other + "' and '" +
					n + "' differ only in case in " + where +
					": their folders would be one on a case-insensitive file system");
		}
	}

	/**
	 * Refuses a class name that starts with '.': its folder would be hidden, and
	 * fine-tune, evaluate and {@code generate --balance-against} do not read
	 * hidden folders, so the class's images would be left out without a word.
	 *
	 * @param where what the names are, for the message
	 */
	public static void requireVisibleClassNames(List<String> names,
		String where)
	{
		for (String n : names)
			if (n.startsWith(".")) throw new GanException("class name '" + n +
				"' in " + where + " starts with '.': its folder would be hidden, " +
				"and hidden folders are not read as classes; rename the class");
	}

	/**
	 * Refuses a class name that holds {@code " model="}: a generated image's
	 * label ({@code SYNTHETIC seed=S class=C model=M sha256=H}) would then not
	 * say where the class name ends and the model's begins, and
	 * {@code trust provenance} would read another class and model from it.
	 *
	 * @param where what the names are, for the message
	 */
	public static void requireLabelClassNames(List<String> names, String where) {
		for (String n : names)
			if (n.contains(LABEL_MODEL)) throw new GanException("class name '" + n +
				"' in " + where + " holds '" + LABEL_MODEL + "', which a generated " +
				"image's label puts after the class name (SYNTHETIC ... class=C" +
				LABEL_MODEL + "M sha256=H): the label could not be read back; " +
				"rename the class");
	}

	/** What follows the class name in a generated image's label. */
	private static final String LABEL_MODEL = " model=";

	/**
	 * Refuses a class label the model does not have: a negative one, or one past
	 * its class count where that is known. The message says which labels it has,
	 * or, where the count is not known, that labels start at 0.
	 */
	public void requireLabel(long label) {
		if (label >= 0 && (classCount < 1 || label < classCount)) return;
		throw new GanException("class " + label + " is out of range: " +
			(classCount > 0 ? "the model has classes 0.." + (classCount - 1) +
				(classNames.isEmpty() ? "" : " " + classNames)
				: "class numbers start at 0 (the model does not say how many " +
					"classes it has)"));
	}

	/**
	 * Refuses a model whose class count neither its graph nor its metadata gives:
	 * its classes cannot be taken in turn or all drawn, only named one at a time.
	 */
	public void requireClassCount() {
		if (classCount() < 1) throw new GanException(
			"the model does not say how many classes it has; generate each with --class K --count N");
	}

	/**
	 * The label a folder of images names: one of the class names (exactly, then
	 * ignoring case), or a label number within the class count; -1 when it names
	 * none. Fine-tuning, evaluation and {@code generate --balance-against} read
	 * class folders by this one rule.
	 */
	public int labelOfFolder(String folder) {
		int i = labelOfName(folder);
		if (i >= 0) return i;
		try {
			int label = Integer.parseInt(folder.trim());
			int bound = classCount > 0 ? classCount : classNames.isEmpty()
				? Integer.MAX_VALUE : classNames.size();
			if (label >= 0 && label < bound) return label;
		}
		catch (NumberFormatException e) {
			// not a number
		}
		return -1;
	}

	/**
	 * The label of the class named {@code name} (exactly, then ignoring case), or
	 * -1 when none is. A name is looked up before a label number everywhere (a
	 * folder, {@code generate --class}): class names may themselves be numbers.
	 */
	public int labelOfName(String name) {
		int i = classNames.indexOf(name);
		if (i >= 0) return i;
		for (int c = 0; c < classNames.size(); c++)
			if (classNames.get(c).equalsIgnoreCase(name)) return c;
		return -1;
	}

	/** The class name of {@code label}, or the number when unnamed. */
	public String className(int label) {
		return label >= 0 && label < classNames.size() ? classNames.get(label)
			: Integer.toString(label);
	}
}
