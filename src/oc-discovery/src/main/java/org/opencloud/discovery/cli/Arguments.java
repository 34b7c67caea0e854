package org.opencloud.discovery.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code --name value}, {@code --flag} and positional arguments of one command. */
final class Arguments {
    private final Map<String, List<String>> options = new HashMap<>();
    private final List<String> positional = new ArrayList<>();

    /**
     * @param flags   options that take no value
     * @param valued  options that take one value (and may repeat)
     */
    Arguments(List<String> args, Set<String> flags, Set<String> valued) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--") || a.equals("--")) {
                positional.add(a);
                continue;
            }
            String name = a.substring(2);
            if (flags.contains(name)) {
                options.computeIfAbsent(name, k -> new ArrayList<>());
            } else if (valued.contains(name)) {
                if (i + 1 >= args.size()) {
                    throw new UsageException("--" + name + " needs a value");
                }
                options.computeIfAbsent(name, k -> new ArrayList<>()).add(args.get(++i));
            } else {
                throw new UsageException("unknown option --" + name);
            }
        }
    }

    boolean flag(String name) {
        return options.containsKey(name);
    }

    String value(String name) {
        List<String> v = options.get(name);
        return v == null || v.isEmpty() ? null : v.get(v.size() - 1);
    }

    List<String> values(String name) {
        return options.getOrDefault(name, List.of());
    }

    List<String> positional() {
        return positional;
    }

    String positional(int index, String what) {
        if (index >= positional.size()) {
            throw new UsageException("missing " + what);
        }
        return positional.get(index);
    }

    /** A command-line mistake: printed with the usage, exit code 2. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
