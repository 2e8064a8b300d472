// Every user of the stacks DSL reads its diagnostics and source locations (DSLCore) through this module.
@_exported import DSLCore
