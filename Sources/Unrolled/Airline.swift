import Foundation

/// The airline passengers series (Box and Jenkins' Series G): monthly totals in thousands,
/// January 1949 to December 1960.
public struct AirlineData {
    /// `"1949-01"` … `"1960-12"`.
    public let months: [String]
    /// Thousands of passengers, one value per month.
    public let passengers: [Double]

    /// Reads and verifies `airline/airline-passengers.csv` (quoted months, CRLF line endings).
    public init(dataDirectory: URL) throws {
        let data = try Dataset.airline.read("airline-passengers.csv", from: dataDirectory)
        guard let text = String(data: data, encoding: .utf8) else { throw UnrolledError("airline-passengers.csv is not UTF-8") }
        var months: [String] = [], values: [Double] = []
        for (n, line) in text.components(separatedBy: .newlines).enumerated() where n > 0 && !line.isEmpty {
            let fields = line.split(separator: ",")
            guard fields.count == 2, let v = Double(fields[1]) else {
                throw UnrolledError("airline-passengers.csv, line \(n + 1): expected \"month\",count")
            }
            months.append(fields[0].trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
            values.append(v)
        }
        guard values.count == 144 else { throw UnrolledError("airline-passengers.csv: \(values.count) months, expected 144") }
        self.months = months
        passengers = values
    }
}
