package io.millrace.reference;

import io.millrace.reference.WindowModel.Event;
import io.millrace.reference.WindowModel.WindowRow;

import java.util.ArrayList;
import java.util.List;

/**
 * CSV in the shapes of {@code windowed-count} (docs/command-line.md): input lines {@code event_time_ms,key} and output
 * rows
 * {@code start_ms,end_ms,key,count}, no header, {@code \n} line ends. No validation beyond what the test generators
 * produce: keys must not contain commas or line breaks. Bad input is not modelled (it throws here, while the engine
 * sends it to its dead-letter output).
 */
public final class ModelCsv {

    private ModelCsv() {
    }

    /** One output row as {@code start_ms,end_ms,key,count}. */
    public static String rowLine(WindowRow row) {
        return row.start() + "," + row.end() + "," + row.key() + "," + row.count();
    }

    /** Output rows as lines {@code start_ms,end_ms,key,count}, in the given order. */
    public static List<String> rowLines(List<WindowRow> rows) {
        List<String> lines = new ArrayList<>(rows.size());
        for (WindowRow row : rows) {
            lines.add(rowLine(row));
        }
        return lines;
    }

    /** Output rows as one text, each line ended by {@code \n} (empty text for no rows). */
    public static String rowsText(List<WindowRow> rows) {
        StringBuilder sb = new StringBuilder();
        for (WindowRow row : rows) {
            sb.append(rowLine(row)).append('\n');
        }
        return sb.toString();
    }

    /** Parses output lines {@code start_ms,end_ms,key,count} (e.g. the engine's). */
    public static List<WindowRow> parseRows(List<String> lines) {
        List<WindowRow> rows = new ArrayList<>(lines.size());
        for (String line : lines) {
            String[] f = line.split(",", -1);
            if (f.length != 4) {
                throw new IllegalArgumentException("not start_ms,end_ms,key,count: " + line);
            }
            rows.add(new WindowRow(Long.parseLong(f[0]), Long.parseLong(f[1]), f[2], Long.parseLong(f[3])));
        }
        return rows;
    }

    /** Parses an output text of lines {@code start_ms,end_ms,key,count}. */
    public static List<WindowRow> parseRows(String text) {
        return parseRows(text.lines().toList());
    }

    /** One input record as {@code event_time_ms,key}. */
    public static String eventLine(Event e) {
        return e.time() + "," + e.key();
    }

    /** Input records as one text of lines {@code event_time_ms,key}, each ended by {@code \n}. */
    public static String eventsText(List<Event> events) {
        StringBuilder sb = new StringBuilder();
        for (Event e : events) {
            sb.append(eventLine(e)).append('\n');
        }
        return sb.toString();
    }

    /** Parses input lines {@code event_time_ms,key}; a malformed line (blank included) throws. */
    public static List<Event> parseEvents(List<String> lines) {
        List<Event> events = new ArrayList<>(lines.size());
        for (String line : lines) {
            int comma = line.indexOf(',');
            if (comma < 0) {
                throw new IllegalArgumentException("not event_time_ms,key: " + line);
            }
            events.add(new Event(Long.parseLong(line.substring(0, comma).trim()), line.substring(comma + 1)));
        }
        return events;
    }

    /** Parses an input text of lines {@code event_time_ms,key}. */
    public static List<Event> parseEvents(String text) {
        return parseEvents(text.lines().toList());
    }
}
