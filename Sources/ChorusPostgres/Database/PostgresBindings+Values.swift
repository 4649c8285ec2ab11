import PostgresNIO

extension PostgresBindings {
    /// Bindings `$1`, `$2`, … for the values, in order.
    static func of(_ values: any PostgresDynamicTypeEncodable...) -> PostgresBindings {
        var binds = PostgresBindings()
        for value in values { binds.append(value) }
        return binds
    }
}
