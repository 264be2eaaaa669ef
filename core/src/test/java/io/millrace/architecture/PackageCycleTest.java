package io.millrace.architecture;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.millrace.architecture.cycle.first.First;
import io.millrace.architecture.cycle.second.Second;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No package of Millrace depends on itself through others: the API builds a logical plan, the planner turns it into
 * operators, the operators use state and metrics, and nothing below reaches back up. Every dependency of the
 * compiled classes counts (fields, signatures, calls, constants), as ArchUnit reads them; a cycle is reported as the
 * packages around it, each with one class dependency that makes the step.
 */
class PackageCycleTest
{
    @Test
    void shouldHaveNoPackageCycle()
    {
        final JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.millrace");
        final Map<String, Map<String, String>> graph = packageGraph(classes);
        assertTrue(graph.size() >= 10, "packages found: " + graph.keySet());
        assertEquals(List.of(), cycles(graph), "package cycles");
    }

    @Test
    void shouldFindACycleWhereThereIsOne()
    {
        // The check above must be able to fail: two packages that use each other are found.
        final JavaClasses classes = new ClassFileImporter().importClasses(First.class, Second.class);
        final List<String> cycles = cycles(packageGraph(classes));
        assertEquals(1, cycles.size(), cycles.toString());
        assertTrue(cycles.get(0).contains("io.millrace.architecture.cycle.first") &&
            cycles.get(0).contains("io.millrace.architecture.cycle.second"), cycles.get(0));
    }

    /**
     * @return for each package, the packages it depends on, each with an example class dependency.
     */
    private static Map<String, Map<String, String>> packageGraph(final JavaClasses classes)
    {
        final Map<String, Map<String, String>> graph = new TreeMap<>();
        for (final JavaClass type : classes)
        {
            final String from = type.getPackageName();
            final Map<String, String> edges = graph.computeIfAbsent(from, p -> new TreeMap<>());
            for (final Dependency dependency : type.getDirectDependenciesFromSelf())
            {
                final JavaClass target = dependency.getTargetClass();
                final JavaClass base = target.isArray() ? target.getBaseComponentType() : target;
                final String to = base.getPackageName();
                if (!to.equals(from) && to.startsWith("io.millrace"))
                {
                    edges.putIfAbsent(to, type.getName() + " -> " + base.getName());
                }
            }
        }
        return graph;
    }

    /**
     * @return each strongly connected set of two or more packages (Tarjan), described with the dependencies inside.
     */
    private static List<String> cycles(final Map<String, Map<String, String>> graph)
    {
        final Map<String, Integer> index = new HashMap<>();
        final Map<String, Integer> low = new HashMap<>();
        final Deque<String> stack = new ArrayDeque<>();
        final List<String> cycles = new ArrayList<>();
        final int[] next = {0};
        for (final String node : graph.keySet())
        {
            if (!index.containsKey(node))
            {
                connect(node, graph, index, low, stack, next, cycles);
            }
        }
        return cycles;
    }

    private static void connect(
        final String node,
        final Map<String, Map<String, String>> graph,
        final Map<String, Integer> index,
        final Map<String, Integer> low,
        final Deque<String> stack,
        final int[] next,
        final List<String> cycles)
    {
        index.put(node, next[0]);
        low.put(node, next[0]);
        next[0]++;
        stack.push(node);
        for (final String target : graph.getOrDefault(node, Map.of()).keySet())
        {
            if (!index.containsKey(target))
            {
                connect(target, graph, index, low, stack, next, cycles);
                low.put(node, Math.min(low.get(node), low.get(target)));
            }
            else if (stack.contains(target))
            {
                low.put(node, Math.min(low.get(node), index.get(target)));
            }
        }
        if (low.get(node).equals(index.get(node)))
        {
            final TreeSet<String> component = new TreeSet<>();
            String member;
            do
            {
                member = stack.pop();
                component.add(member);
            }
            while (!member.equals(node));
            if (component.size() > 1)
            {
                final List<String> steps = new ArrayList<>();
                for (final String from : component)
                {
                    graph.getOrDefault(from, Map.of()).forEach((to, example) ->
                    {
                        if (component.contains(to))
                        {
                            steps.add(from + " -> " + to + " (" + example + ")");
                        }
                    });
                }
                cycles.add(String.join("; ", steps));
            }
        }
    }
}
