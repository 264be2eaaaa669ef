package io.millrace.architecture;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The public API stands apart from the internals: no public or protected member of a public type outside
 * {@code io.millrace.internal} mentions an internal type in its signature (parameters, return type, thrown types,
 * field type), so that the internals can change without breaking users. Read from the compiled classes with
 * ArchUnit.
 */
class PublicApiTest
{
    private static final String INTERNAL = "io.millrace.internal";

    @Test
    void shouldExposeNoInternalTypeInAPublicSignature()
    {
        final JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.millrace");
        final List<JavaClass> api = classes.stream().filter(PublicApiTest::isApi).toList();
        assertTrue(api.size() > 40, "API types found: " + api.size());
        assertEquals(List.of(), leaks(api), "public API signatures that expose internal types");
    }

    @Test
    void shouldFindALeakWhereThereIsOne()
    {
        // The check above must be able to fail: an internal type in a public signature is found.
        final JavaClass leaky = new ClassFileImporter().importClasses(Leaky.class).get(Leaky.class);
        assertEquals(List.of(leaky.getMethod("counters").getFullName() + " uses io.millrace.internal.metrics.QueryCounters"),
            leaks(List.of(leaky)));
    }

    private static List<String> leaks(final List<JavaClass> api)
    {
        final List<String> leaks = new ArrayList<>();
        for (final JavaClass type : api)
        {
            for (final JavaCodeUnit member : type.getCodeUnits())
            {
                if (!isVisible(member.getModifiers()) || member.getName().equals("<clinit>"))
                {
                    continue;
                }
                final List<JavaClass> mentioned = new ArrayList<>(member.getRawParameterTypes());
                mentioned.add(member.getRawReturnType());
                mentioned.addAll(member.getThrowsClause().getTypes());
                for (final JavaClass used : mentioned)
                {
                    if (isInternal(used))
                    {
                        leaks.add(member.getFullName() + " uses " + used.getName());
                    }
                }
            }
            for (final JavaField field : type.getFields())
            {
                if (isVisible(field.getModifiers()) && isInternal(field.getRawType()))
                {
                    leaks.add(field.getFullName() + " is a " + field.getRawType().getName());
                }
            }
            if (type.getRawSuperclass().map(PublicApiTest::isInternal).orElse(false))
            {
                leaks.add(type.getName() + " extends " + type.getRawSuperclass().get().getName());
            }
        }
        return leaks;
    }

    /** A public type with an internal type in a public signature, for the test above. */
    public static final class Leaky
    {
        /**
         * @return an internal type.
         */
        public io.millrace.internal.metrics.QueryCounters counters()
        {
            return null;
        }
    }

    private static boolean isApi(final JavaClass type)
    {
        return !isInternal(type) && type.getModifiers().contains(JavaModifier.PUBLIC) &&
            type.getEnclosingClass().map(e -> e.getModifiers().contains(JavaModifier.PUBLIC)).orElse(true);
    }

    private static boolean isVisible(final java.util.Set<JavaModifier> modifiers)
    {
        return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
    }

    private static boolean isInternal(final JavaClass type)
    {
        final JavaClass base = type.isArray() ? type.getBaseComponentType() : type;
        return base.getPackageName().equals(INTERNAL) || base.getPackageName().startsWith(INTERNAL + ".");
    }

}
