package com.bunqconnector.conformance;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One way a JSON document disagrees with bunq's API description.
 *
 * @param where the JSON path of the offending value from the body's root {@code $}, e.g.
 *     {@code $.Response[0].Payment.amount.value} or {@code $.counterparty_alias.type}
 * @param problem what is wrong, in the validator's words
 * @param schema the schema location that rejected it, e.g. {@code components/schemas/Amount/properties/value/type},
 *     or the empty string when the check is not a schema keyword
 */
public record Violation(String where, String problem, String schema) {

  /** The violation as one line: path, problem and, where known, the schema location. */
  @Override
  public String toString() {
    return where + ": " + problem + (schema.isEmpty() ? "" : " [" + schema + "]");
  }

  /** All violations, one per line, for an assertion message; "none" for an empty list. */
  public static String describe(List<Violation> violations) {
    if (violations.isEmpty()) {
      return "none";
    }
    return violations.stream().map(Violation::toString).collect(Collectors.joining("\n  ", "\n  ", ""));
  }

  /**
   * Renders a JSON pointer ({@code #/alias/0/value} or {@code /alias/0/value}) below {@code prefix}
   * as a JSON path: {@code prefix.alias[0].value}.
   */
  static String path(String prefix, String pointer) {
    String rest = pointer.startsWith("#") ? pointer.substring(1) : pointer;
    StringBuilder path = new StringBuilder(prefix);
    if (rest.isEmpty()) {
      return path.toString();
    }
    for (String raw : rest.substring(1).split("/", -1)) {
      String segment = raw.replace("~1", "/").replace("~0", "~");
      if (!segment.isEmpty() && segment.chars().allMatch(Character::isDigit)) {
        path.append('[').append(segment).append(']');
      } else {
        path.append('.').append(segment);
      }
    }
    return path.toString();
  }
}
