class Order < ApplicationRecord
  belongs_to :customer
  validates :total, numericality: { greater_than: 0 }
end
