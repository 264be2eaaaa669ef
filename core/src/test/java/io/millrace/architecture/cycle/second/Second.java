package io.millrace.architecture.cycle.second;

import io.millrace.architecture.cycle.first.First;

/** The other half of a package cycle that {@code PackageCycleTest} must find. */
public final class Second
{
    /**
     * @return a class of the other package, which uses this one.
     */
    public First other()
    {
        return new First();
    }
}
