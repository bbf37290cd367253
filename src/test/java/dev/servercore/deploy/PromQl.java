package dev.servercore.deploy;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the metric and label names a PromQL query (or a Grafana {@code label_values(...)} variable query) uses:
 * enough of PromQL for dashboards, not a parser.
 *
 * <pre>
 * PromQl.metricNames("sum by (reason) (rate(servercore_sessions_closed_sessions_total{job=~\"$job\"}[5m]))")
 *     // [servercore_sessions_closed_sessions_total]
 * PromQl.labelNames(same)   // [reason, job]
 * </pre>
 */
final class PromQl {

	private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");

	private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*\\]");

	private static final Pattern MATCHERS = Pattern.compile("\\{([^}]*)\\}");

	private static final Pattern MATCHER_LABEL = Pattern.compile("([A-Za-z_]\\w*)\\s*(?:=~|!~|!=|=)");

	private static final Pattern GROUPING = Pattern
		.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");

	private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w$.])([A-Za-z_:][\\w:]*)(\\s*\\()?");

	private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\(\\s*(.*),\\s*([A-Za-z_]\\w*)\\s*\\)\\s*$");

	private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on",
			"ignoring", "group_left", "group_right", "inf", "nan", "atan2");

	private PromQl() {
	}

	/**
	 * Returns the metric names a query selects.
	 * @param query a PromQL expression or a {@code label_values(selector, label)} variable query
	 * @return the names, in order of appearance
	 */
	static Set<String> metricNames(String query) {
		String expression = selectorOf(query);
		String bare = GROUPING.matcher(MATCHERS.matcher(RANGE.matcher(STRING.matcher(expression).replaceAll("\"\""))
			.replaceAll("")).replaceAll("")).replaceAll("");
		Set<String> names = new LinkedHashSet<>();
		Matcher identifier = IDENTIFIER.matcher(bare);
		while (identifier.find()) {
			boolean function = identifier.group(2) != null;
			String name = identifier.group(1);
			if (!function && !KEYWORDS.contains(name.toLowerCase())) {
				names.add(name);
			}
		}
		return names;
	}

	/**
	 * Returns the label names a query matches on or groups by.
	 * @param query a PromQL expression or a {@code label_values(selector, label)} variable query
	 * @return the names, in order of appearance
	 */
	static Set<String> labelNames(String query) {
		Set<String> labels = new LinkedHashSet<>();
		Matcher labelValues = LABEL_VALUES.matcher(query);
		String expression = query;
		if (labelValues.matches()) {
			expression = labelValues.group(1);
			labels.add(labelValues.group(2));
		}
		String withoutStrings = STRING.matcher(expression).replaceAll("\"\"");
		Matcher matchers = MATCHERS.matcher(withoutStrings);
		while (matchers.find()) {
			Matcher label = MATCHER_LABEL.matcher(matchers.group(1));
			while (label.find()) {
				labels.add(label.group(1));
			}
		}
		Matcher grouping = GROUPING.matcher(withoutStrings);
		while (grouping.find()) {
			for (String label : grouping.group(1).split(",")) {
				if (!label.isBlank()) {
					labels.add(label.strip());
				}
			}
		}
		return labels;
	}

	private static String selectorOf(String query) {
		Matcher labelValues = LABEL_VALUES.matcher(query);
		return labelValues.matches() ? labelValues.group(1) : query;
	}

}
