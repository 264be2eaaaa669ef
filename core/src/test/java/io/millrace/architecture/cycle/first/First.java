package io.millrace.architecture.cycle.first;

import io.millrace.architecture.cycle.second.Second;

/** Half of a package cycle that {@code PackageCycleTest} must find. */
public final class First
{
    /**
     * @return a class of the other package, which uses this one.
     */
    public Second other()
    {
        return new Second();
    }
}
