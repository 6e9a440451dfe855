package org.encodertraces.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.util.Arrays;
import java.util.Collection;

/**
 * Jackson's errors in words a user understands: which field (as a dotted path), what it holds,
 * and what it should hold; a syntax error by its line, with {@code NaN} and {@code Infinity}
 * named as what they are. Used by every reader of a hand-editable JSON file (export specs,
 * report.json) so that no message shows Jackson's type names or its reference chain.
 */
public final class JsonErrors {
    private JsonErrors() {
    }

    /**
     * One line for a problem reading a document.
     *
     * @param e      what Jackson threw
     * @param tree   the document as read, to quote the offending value (null when it could not be parsed)
     * @param prefix the path of the part that was being bound, e.g. {@code "preprocessing"} (empty for the whole)
     */
    public static String describe(JsonProcessingException e, JsonNode tree, String prefix) {
        if (e instanceof ValueInstantiationException vi && vi.getCause() != null && vi.getCause().getMessage() != null) {
            String path = path(vi, prefix);
            return (path.isEmpty() ? "" : "field '" + path + "': ") + vi.getCause().getMessage();
        }
        if (e instanceof JsonMappingException m) {
            String path = path(m, prefix);
            String where = path.isEmpty() ? "the document" : "field '" + path + "'";
            JsonNode value = tree == null ? null : at(tree, m, prefix.isEmpty() ? tree : tree.at("/" + prefix.replace('.', '/')));
            String holds = e instanceof InvalidFormatException f && f.getValue() != null ? " has value '" + f.getValue() + "'"
                    : value != null && !value.isMissingNode() ? " is " + shown(value) : " is invalid";
            Class<?> target = e instanceof MismatchedInputException mi ? mi.getTargetType() : null;
            String want = expected(target);
            return where + holds + (want == null ? "" : ", not " + want);
        }
        String msg = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
        String line = e.getLocation() == null ? "" : "line " + e.getLocation().getLineNr() + ": ";
        for (String special : new String[] {"NaN", "Infinity", "-Infinity", "+Infinity", "INF"}) {
            if (msg.contains("'" + special + "'")) {
                return line + special + " is not a JSON number (missing figures are written as null)";
            }
        }
        int cut = msg.indexOf(": enable ");
        return line + "not valid JSON: " + (cut > 0 ? msg.substring(0, cut) : msg).replace('`', '\'');
    }

    /** The dotted path of the field at fault ({@code encoders[0].family}), under {@code prefix}. */
    public static String path(JsonMappingException e, String prefix) {
        StringBuilder sb = new StringBuilder(prefix);
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static JsonNode at(JsonNode tree, JsonMappingException e, JsonNode start) {
        JsonNode n = start;
        for (JsonMappingException.Reference r : e.getPath()) {
            if (n == null) {
                return null;
            }
            n = r.getFieldName() != null ? n.get(r.getFieldName()) : r.getIndex() >= 0 ? n.get(r.getIndex()) : n;
        }
        return n;
    }

    private static String shown(JsonNode v) {
        String s = v.toString();
        String kind = v.isTextual() ? "text" : v.isArray() ? "a list" : v.isObject() ? "an object" : v.isBoolean() ? "true/false"
                : v.isNumber() ? "a number" : v.isNull() ? "null" : "a value";
        return (s.length() > 60 ? s.substring(0, 57) + "..." : s) + " (" + kind + ")";
    }

    private static String expected(Class<?> t) {
        if (t == null) {
            return null;
        }
        if (t.isEnum()) {
            return "one of " + Arrays.toString(t.getEnumConstants());
        }
        if (t.isArray() || Collection.class.isAssignableFrom(t)) {
            return "a list";
        }
        if (t == double.class || t == Double.class || t == float.class || t == Float.class) {
            return "a number";
        }
        if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
            return "a whole number";
        }
        if (t == boolean.class || t == Boolean.class) {
            return "true or false";
        }
        if (t == String.class) {
            return "text";
        }
        return "an object";
    }
}
